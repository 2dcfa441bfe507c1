<?xml version="1.0" encoding="UTF-8"?>
<ZoneList>
  <Zone name="{{zone}}">
    <Policy>{{policy}}</Policy>
    <SignerConfiguration>/var/lib/opendnssec/signconf/{{zone}}.xml</SignerConfiguration>
    <Adapters>
      <Input>
        <Adapter type="File">{{unsignedFile}}</Adapter>
      </Input>
      <Output>
        <Adapter type="File">{{signedFile}}</Adapter>
      </Output>
    </Adapters>
  </Zone>
</ZoneList>
