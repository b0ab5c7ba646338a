/* tc classifier that stores a pointer (the address of its own map value) into
 * that map value. For unprivileged loaders this is refused ("leaks addr into
 * map") because user space could read kernel addresses back; loaded with
 * CAP_BPF + CAP_PERFMON (root here) pointer leaks are allowed, and the store is
 * an ordinary 8-byte write inside the value. Accepted as root; the unprivileged
 * rule cannot be checked on this machine (unprivileged BPF is disabled). */
#include "corpus.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} leak SEC(".maps");

// @expect store_own_address accept
SEC("tc")
int store_own_address(struct __sk_buff *skb)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&leak, &key);

	if (!v)
		return TC_ACT_OK;
	*v = (__u64)v;
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
