"""Running untrusted or slow work: killable worker-process pools (and, in other modules, sandboxes)."""
