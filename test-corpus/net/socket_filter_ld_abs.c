// @cflags -mcpu=v1
/* Classic-style socket filter that reads packet bytes with the legacy
 * LD_ABS instructions (BPF_LD|BPF_ABS|BPF_B/H), emitted through LLVM's
 * llvm.bpf.load.* intrinsics and compiled for -mcpu=v1. LD_ABS implicitly uses
 * r6 as the skb and clobbers r1-r5; it is only valid in socket filter / tc
 * programs. Accepted: r6 holds the context at every LD_ABS. */
#include "corpus.h"

unsigned long long load_byte(void *skb, unsigned long long off) asm("llvm.bpf.load.byte");
unsigned long long load_half(void *skb, unsigned long long off) asm("llvm.bpf.load.half");

// @expect ld_abs_udp accept
SEC("socket")
int ld_abs_udp(struct __sk_buff *skb)
{
	if (load_half(skb, offsetof(struct ethhdr, h_proto)) != ETH_P_IP)
		return 0;
	if (load_byte(skb, ETH_HLEN + offsetof(struct iphdr, protocol)) != IPPROTO_UDP)
		return 0;
	return -1;
}

char LICENSE[] SEC("license") = "GPL";
