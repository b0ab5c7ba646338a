/* sk_skb/stream_verdict program that redirects each parsed record to the socket
 * stored at index 0 of a sockmap with bpf_sk_redirect_map, dropping records
 * whose first byte is 0. Uses direct packet access with a bound check.
 * Exercises BPF_PROG_TYPE_SK_SKB and BPF_MAP_TYPE_SOCKMAP as a redirect
 * target. Accepted. */
#include "corpus.h"

struct {
	__uint(type, BPF_MAP_TYPE_SOCKMAP);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} backends SEC(".maps");

// @expect verdict_redirect accept
SEC("sk_skb/stream_verdict")
int verdict_redirect(struct __sk_buff *skb)
{
	__u8 *data = (__u8 *)(long)skb->data;
	__u8 *data_end = (__u8 *)(long)skb->data_end;

	if (data + 1 > data_end)
		return SK_PASS;
	if (data[0] == 0)
		return SK_DROP;
	return bpf_sk_redirect_map(skb, &backends, 0, 0);
}

char LICENSE[] SEC("license") = "GPL";
