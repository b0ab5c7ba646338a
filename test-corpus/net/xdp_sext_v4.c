// @cflags -mcpu=v4
/* XDP program compiled for cpu v4: reading a signed 8-bit field and comparing it
 * as signed makes clang emit a sign-extending load (LDXSB, "r = *(s8 *)").
 * Exercises the v4 ISA extensions in the verifier's range
 * tracking: the loaded value is known to lie in [-128, 127], so using it as a
 * bounded index after a sign check is safe. Accepted. */
#include "corpus.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 128);
	__type(key, __u32);
	__type(value, __u64);
} ttl_hist SEC(".maps");

// @expect signed_ttl_hist accept
SEC("xdp")
int signed_ttl_hist(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct iphdr *iph = data + ETH_HLEN;
	__s8 ttl;
	__u32 key;
	__u64 *slot;

	if ((void *)(iph + 1) > data_end)
		return XDP_PASS;
	ttl = *(volatile __s8 *)&iph->ttl;
	if (ttl < 0)
		return XDP_DROP;
	key = ttl;
	slot = bpf_map_lookup_elem(&ttl_hist, &key);
	if (slot)
		__sync_fetch_and_add(slot, 1);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
