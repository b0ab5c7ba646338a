/* Socket filter that uses the cb[] scratch words of __sk_buff as temporary
 * storage: writes cb[0], cb[4], reads them back. cb[] is the one part of the
 * context a socket filter may write. Accepted. */
#include "corpus.h"

// @expect use_cb accept
SEC("socket")
int use_cb(struct __sk_buff *skb)
{
	skb->cb[0] = skb->len;
	skb->cb[4] = skb->ifindex;
	return skb->cb[0] + skb->cb[4] > 100 ? -1 : 0;
}

char LICENSE[] SEC("license") = "GPL";
