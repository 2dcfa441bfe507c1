# DS records in zone-file format -> a BIND trust-anchors clause with static-ds entries.
#   awk -v out=<dir>/trust-anchors.conf -f ds-to-trust-anchors.awk <trust-anchor.ds>
# Accepts "owner [ttl] [class] DS tag alg digest-type digest [digest...]" (a split digest is joined).
# Exits non-zero, writing nothing, when the file holds no DS.
!/^[ \t]*(;|$)/ {
  for (i = 2; i <= NF; i++) if (toupper($i) == "DS") break
  if (i + 4 > NF) next
  digest = ""
  for (j = i + 4; j <= NF && $j !~ /^;/; j++) digest = digest $j
  n++
  entry[n] = sprintf("  \"%s\" static-ds %s %s %s \"%s\";", $1, $(i + 1), $(i + 2), $(i + 3), toupper(digest))
}
END {
  if (n == 0) { print "ds-to-trust-anchors.awk: no DS record in " FILENAME > "/dev/stderr"; exit 1 }
  if (out == "") { print "ds-to-trust-anchors.awk: -v out=FILE is required" > "/dev/stderr"; exit 1 }
  print "// Written by ds-to-trust-anchors.awk from " FILENAME > out
  print "trust-anchors {" > out
  for (k = 1; k <= n; k++) print entry[k] > out
  print "};" > out
}
