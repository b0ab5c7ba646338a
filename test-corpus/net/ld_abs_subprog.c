// @cflags -mcpu=v1
/* Legacy packet loads (LD_ABS) inside subprograms. When such a load fails (past the
 * packet's end), the function it is in returns 0 at once: in a subprogram its caller goes
 * on with r0 = 0. So the kernel allows LD_ABS in a subprogram only if its BTF prototype
 * returns a scalar, and models that early return.
 * - ip_protocol_is_udp: the subprogram returns int; the caller handles both results.
 * - mark_only: the subprogram returns void; refused before any path is explored.
 * - early_return_reads_nothing: the caller uses a value only written when the subprogram
 *   returned 1, but the early return gives 0, which skips the use: accepted.
 * - early_return_breaks_index: the subprogram returns 1 or 2 when its load succeeds, and
 *   the caller indexes a 2-element array with the result minus 1: the early return's 0
 *   makes that -1, out of bounds: refused.
 * - load_in_loop_callback: LD_ABS in a bpf_loop callback, whose early return would leave
 *   the callback from the middle of the helper's loop: refused (the 6.18 kernel reports it
 *   as "verifier bug: callback unexpected regs"; later kernels as "cannot use
 *   BPF_LD_[ABS|IND] within callback"). */
#include "corpus.h"

unsigned long long load_byte(void *skb, unsigned long long off) asm("llvm.bpf.load.byte");
unsigned long long load_half(void *skb, unsigned long long off) asm("llvm.bpf.load.half");

static __noinline int is_udp(struct __sk_buff *skb)
{
	if (load_half(skb, offsetof(struct ethhdr, h_proto)) != ETH_P_IP)
		return 0;
	return load_byte(skb, ETH_HLEN + offsetof(struct iphdr, protocol)) == IPPROTO_UDP;
}

// @expect ip_protocol_is_udp accept
SEC("socket")
int ip_protocol_is_udp(struct __sk_buff *skb)
{
	return is_udp(skb) ? -1 : 0;
}

static __noinline void note_protocol(struct __sk_buff *skb)
{
	skb->cb[0] = load_byte(skb, ETH_HLEN + offsetof(struct iphdr, protocol));
}

// @expect mark_only reject: LD_ABS is only allowed in functions that return 'int'
SEC("socket")
int mark_only(struct __sk_buff *skb)
{
	note_protocol(skb);
	return 0;
}

static __noinline int protocol_of(struct __sk_buff *skb, __u32 *protocol)
{
	*protocol = load_byte(skb, ETH_HLEN + offsetof(struct iphdr, protocol));
	return 1;
}

// @expect early_return_reads_nothing accept
SEC("socket")
int early_return_reads_nothing(struct __sk_buff *skb)
{
	__u32 protocol;

	if (!protocol_of(skb, &protocol))
		return 0;
	return protocol == IPPROTO_TCP ? -1 : 0;
}

static __noinline int one_or_two(struct __sk_buff *skb)
{
	skb->cb[1] = load_byte(skb, ETH_HLEN + offsetof(struct iphdr, ttl));
	return (skb->len >> 31) + 1;
}

__u32 seen[2];

// @expect early_return_breaks_index reject: math between map_value pointer and 17179869180 is not allowed
SEC("socket")
int early_return_breaks_index(struct __sk_buff *skb)
{
	seen[one_or_two(skb) - 1] = 1;
	return 0;
}

static int load_in_callback(__u32 index, void *data)
{
	struct __sk_buff *skb = *(struct __sk_buff **)data;

	return load_byte(skb, ETH_HLEN + offsetof(struct iphdr, protocol)) == IPPROTO_UDP;
}

// @expect load_in_loop_callback reject: callback unexpected regs
SEC("socket")
int load_in_loop_callback(struct __sk_buff *skb)
{
	bpf_loop(4, load_in_callback, &skb, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
