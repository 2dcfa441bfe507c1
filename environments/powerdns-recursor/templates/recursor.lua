-- Trust anchors of the test world: only the private root's KSK (a DS in zone-file format).
-- The built-in root anchors (the real root's KSKs) are removed first; no negative trust anchors.
clearTA()
clearNTA()
readTrustAnchorsFromFile("{{trustAnchorFile}}", 0)
