"""One router per concern; ``tipguard.service.app`` mounts them all."""
