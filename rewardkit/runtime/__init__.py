"""The runtime for untrusted or slow work: killable worker-process pools (math's symbolic path), the bubblewrap
sandbox with its trusted in-sandbox runner and pool, and remote executors. Nothing here is imported by
`import rewardkit`."""
