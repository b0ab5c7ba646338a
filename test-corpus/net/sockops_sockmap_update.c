/* sockops program that stores established sockets in a sockmap slot chosen by
 * local port modulo the map size, using bpf_sock_map_update. Exercises
 * BPF_MAP_TYPE_SOCKMAP from the sockops side (array-like, u32 keys).
 * Accepted. */
#include "corpus.h"

struct {
	__uint(type, BPF_MAP_TYPE_SOCKMAP);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} by_port SEC(".maps");

// @expect add_to_sockmap accept
SEC("sockops")
int add_to_sockmap(struct bpf_sock_ops *skops)
{
	__u32 slot;

	if (skops->op != BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB)
		return 1;
	slot = skops->local_port % 64;
	bpf_sock_map_update(skops, &by_port, &slot, BPF_ANY);
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
