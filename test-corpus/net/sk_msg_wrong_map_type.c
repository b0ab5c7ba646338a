/* sk_msg program that passes a sockmap to bpf_msg_redirect_hash. The helper
 * interprets its map argument as a sockhash (hashed key, different element
 * layout); the kernel pairs each redirect helper with exactly one map type.
 * Rejected: map of the wrong type for the helper. */
#include "corpus.h"

struct {
	__uint(type, BPF_MAP_TYPE_SOCKMAP);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} slots SEC(".maps");

// @expect redirect_hash_on_sockmap reject: cannot pass map_type 15 into func bpf_msg_redirect_hash#71
SEC("sk_msg")
int redirect_hash_on_sockmap(struct sk_msg_md *msg)
{
	__u32 key = 0;

	return bpf_msg_redirect_hash(msg, &slots, &key, 0);
}

char LICENSE[] SEC("license") = "GPL";
