<?xml version="1.0" encoding="UTF-8"?>
<!-- One-shot lab policy: ECDSA P-256 (algorithm 13) KSK + ZSK, NSEC.
     Both keys are introduced together, so the first signed output is
     complete (DNSKEY RRset signed by the KSK, everything else by the ZSK).
     SOA TTL/minimum are copied from the unsigned zone (the signer always
     overwrites them with the policy values). -->
<KASP>
  <Policy name="{{policy}}">
    <Description>nccoe-harness one-shot ECDSA P-256 NSEC policy</Description>
    <Signatures>
      <Resign>PT2H</Resign>
      <Refresh>P3D</Refresh>
      <Validity>
        <Default>P14D</Default>
        <Denial>P14D</Denial>
      </Validity>
      <Jitter>PT1H</Jitter>
      <InceptionOffset>PT3600S</InceptionOffset>
      <MaxZoneTTL>P1D</MaxZoneTTL>
    </Signatures>
    <Denial>
      <NSEC/>
    </Denial>
    <Keys>
      <TTL>PT3600S</TTL>
      <RetireSafety>PT3600S</RetireSafety>
      <PublishSafety>PT3600S</PublishSafety>
      <Purge>P14D</Purge>
      <KSK>
        <Algorithm length="256">13</Algorithm>
        <Lifetime>P365D</Lifetime>
        <Repository>SoftHSM</Repository>
      </KSK>
      <ZSK>
        <Algorithm length="256">13</Algorithm>
        <Lifetime>P90D</Lifetime>
        <Repository>SoftHSM</Repository>
      </ZSK>
    </Keys>
    <Zone>
      <PropagationDelay>PT300S</PropagationDelay>
      <SOA>
        <TTL>PT{{soaTtl}}S</TTL>
        <Minimum>PT{{soaMinimum}}S</Minimum>
        <Serial>keep</Serial>
      </SOA>
    </Zone>
    <Parent>
      <PropagationDelay>PT300S</PropagationDelay>
      <DS>
        <TTL>PT{{dsTtl}}S</TTL>
      </DS>
      <SOA>
        <TTL>PT3600S</TTL>
        <Minimum>PT300S</Minimum>
      </SOA>
    </Parent>
  </Policy>
</KASP>
