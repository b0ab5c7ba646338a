/* XDP program using all three kinds of global variables: a `const volatile`
 * configuration word in .rodata (set by the loader before load, then frozen and
 * read-only for the program), an initialised counter in .data and a
 * zero-initialised array in .bss. Each section becomes a one-element array map
 * and accesses are direct loads/stores into its value. Accepted. */
#include "corpus.h"

const volatile __u32 drop_proto = IPPROTO_ICMP;
__u64 frames_seen = 1;
__u64 dropped_by_cpu[64];

// @expect globals_filter accept
SEC("xdp")
int globals_filter(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct iphdr *iph = data + ETH_HLEN;
	__u32 cpu = bpf_get_smp_processor_id();

	frames_seen++;
	if ((void *)(iph + 1) > data_end)
		return XDP_PASS;
	if (iph->protocol != drop_proto)
		return XDP_PASS;
	if (cpu < 64)
		dropped_by_cpu[cpu]++;
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
