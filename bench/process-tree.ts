// The process tree is read by the bench (its sampler) and by the servers (their /lab/usage route): it lives in
// lib/ now, and this module keeps the bench's imports as they were.
export * from '../lib/process-tree.js';
