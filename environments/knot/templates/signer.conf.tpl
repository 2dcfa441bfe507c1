# Knot DNS as a one-shot signer (rendered by signer.ts for one signZone() call).
# No listen address: nothing is served; the zone leaves through the control socket (zone-flush).
server:
    rundir: "{{rundir}}"
    pidfile: "{{rundir}}/knotd.pid"
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1

log:
  - target: "{{logFile}}"
    any: info

database:
    # Must exist before knotd starts (else: "failed to initialize signing context").
    storage: "{{dbDir}}"
    kasp-db: "{{kaspDir}}"

control:
    listen: "{{rundir}}/knot.sock"

policy:
  - id: nccoe-p256
    algorithm: ecdsap256sha256
    single-type-signing: off   # a KSK and a ZSK
    nsec3: off                 # NSEC
    cds-cdnskey-publish: none  # no CDS/CDNSKEY in the handed-out zone
    ksk-lifetime: 0            # no rollovers during the run
    zsk-lifetime: 0

zone:
  - domain: "{{origin}}"
    storage: "{{storageDir}}"
    file: "{{zoneFile}}"
    dnssec-signing: on
    dnssec-policy: nccoe-p256
    zonefile-load: whole
    zonefile-sync: -1          # never write back into the unsigned input
    journal-content: none
    serial-policy: increment
