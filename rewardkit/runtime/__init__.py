"""The runtime that runs untrusted work: the bubblewrap sandbox, its trusted in-sandbox runner, the sandbox
pool and remote executors. Nothing here is imported by `import rewardkit`."""
