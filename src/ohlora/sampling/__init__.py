"""The sample stage: generate faces, score them, write the run's sharded sample store.

`params` says what a store holds, `shards` what is still to do and how one shard is made,
`local` computes the shards on this machine, `finalise` normalises the finished store. An
engine for many machines computes the same shards and finalises the same way.
"""
