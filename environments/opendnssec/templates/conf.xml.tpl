<?xml version="1.0" encoding="UTF-8"?>
<!-- OpenDNSSEC 2 conf.xml for one private, throw-away signer instance.
     Read inside a private mount namespace where /etc/opendnssec,
     /run/opendnssec and /var/lib/opendnssec are bind mounts of the
     instance's own folders. No <Syslog>: logs go to stderr (captured). -->
<Configuration>
  <RepositoryList>
    <Repository name="SoftHSM">
      <Module>{{hsmModule}}</Module>
      <TokenLabel>{{tokenLabel}}</TokenLabel>
      <PIN>{{pin}}</PIN>
      <SkipPublicKey/>
    </Repository>
  </RepositoryList>
  <Common>
    <Logging>
      <Verbosity>3</Verbosity>
    </Logging>
    <PolicyFile>/etc/opendnssec/kasp.xml</PolicyFile>
    <ZoneListFile>/etc/opendnssec/zonelist.xml</ZoneListFile>
  </Common>
  <Enforcer>
    <Datastore><SQLite>/var/lib/opendnssec/kasp.db</SQLite></Datastore>
    <!-- signer.ts makes the keys with one "ods-enforcer key generate" for the policy and
         a duration of P1D: one KSK and one ZSK. Automatic generation schedules one task per
         policy key under the same task name, so the KSK task can be replaced by the ZSK
         task: the zone then gets only a ZSK and the enforcer retries 60 s later. -->
    <ManualKeyGeneration/>
    <WorkingDirectory>/var/lib/opendnssec/enforcer</WorkingDirectory>
    <WorkerThreads>1</WorkerThreads>
  </Enforcer>
  <Signer>
    <WorkingDirectory>/var/lib/opendnssec/signer</WorkingDirectory>
    <WorkerThreads>2</WorkerThreads>
  </Signer>
</Configuration>
