/* sk_msg program that keeps a pointer into the message from before
 * bpf_msg_pull_data and reads through it afterwards. Pulling data may copy the
 * scatterlist into a new linear buffer, so the verifier invalidates all
 * msg->data-derived pointers at the call. Rejected: stale packet pointer. */
#include "corpus.h"

// @expect stale_after_msg_pull reject: R6 invalid mem access 'scalar'
SEC("sk_msg")
int stale_after_msg_pull(struct sk_msg_md *msg)
{
	__u8 *data = msg->data;
	__u8 *data_end = msg->data_end;

	if (data + 1 > data_end)
		return SK_PASS;
	bpf_msg_pull_data(msg, 0, 16, 0);
	return data[0] == 0x16 ? SK_PASS : SK_DROP;
}

char LICENSE[] SEC("license") = "GPL";
