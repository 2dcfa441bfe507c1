# SoftHSM v2 configuration for one private signer instance (SOFTHSM2_CONF).
directories.tokendir = {{tokenDir}}
objectstore.backend = file
log.level = ERROR
slots.removable = false
slots.mechanisms = ALL
library.reset_on_fork = false
