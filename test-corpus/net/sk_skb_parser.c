/* sk_skb/stream_parser program that frames a TCP byte stream into records
 * carrying a 2-byte big-endian length prefix: it returns the record length
 * (header included) once the prefix is readable, or 0 to ask for more data.
 * Reads the prefix with bpf_skb_load_bytes. Accepted. */
#include "corpus.h"

// @expect parse_len_prefix accept
SEC("sk_skb/stream_parser")
int parse_len_prefix(struct __sk_buff *skb)
{
	__be16 prefix;

	if (skb->len < sizeof(prefix))
		return 0;
	if (bpf_skb_load_bytes(skb, 0, &prefix, sizeof(prefix)) < 0)
		return 0;
	return bpf_ntohs(prefix) + sizeof(prefix);
}

char LICENSE[] SEC("license") = "GPL";
