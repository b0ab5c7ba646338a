/* sk_msg program that implements a tiny record framer: it corks until a 4-byte
 * length header is available (bpf_msg_cork_bytes), pulls the header into the
 * linear area (bpf_msg_pull_data), reloads data/data_end, checks the bound,
 * reads the record length and applies the verdict to exactly that many bytes
 * (bpf_msg_apply_bytes). Accepted: packet pointers are reloaded after the pull
 * and every access is bounded. */
#include "corpus.h"

// @expect frame_records accept
SEC("sk_msg")
int frame_records(struct sk_msg_md *msg)
{
	void *data, *data_end;
	__u32 rec_len;

	if (msg->size < 4) {
		bpf_msg_cork_bytes(msg, 4);
		return SK_PASS;
	}
	if (bpf_msg_pull_data(msg, 0, 4, 0))
		return SK_DROP;
	data = msg->data;
	data_end = msg->data_end;
	if (data + 4 > data_end)
		return SK_DROP;
	rec_len = bpf_ntohl(*(__u32 *)data);
	if (rec_len > 65536)
		return SK_DROP;
	bpf_msg_apply_bytes(msg, rec_len + 4);
	return SK_PASS;
}

char LICENSE[] SEC("license") = "GPL";
