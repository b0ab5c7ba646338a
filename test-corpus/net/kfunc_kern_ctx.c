/* tc and xdp programs that see their context as the kernel struct behind it:
 * bpf_cast_to_kern_ctx turns the __sk_buff (xdp_md) context into a trusted
 * pointer to the sk_buff (xdp_buff), which may be read at its BTF offsets;
 * the context must be passed unmodified. bpf_rdonly_cast views any pointer as
 * an untrusted, read-only pointer to a kernel struct named by its BTF id
 * (here from a CO-RE relocation): reading is allowed, writing is not. */
#include "corpus_kernel.h"

extern void *bpf_cast_to_kern_ctx(void *) __ksym;
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym;

// @expect skb_len_via_kern_ctx accept
SEC("tc")
int skb_len_via_kern_ctx(struct __sk_buff *ctx)
{
	struct sk_buff *skb = bpf_cast_to_kern_ctx(ctx);

	return skb->len > 1500 ? TC_ACT_SHOT : TC_ACT_OK;
}

// @expect moved_ctx_cast reject: dereference of modified ctx ptr
SEC("tc")
int moved_ctx_cast(struct __sk_buff *ctx)
{
	struct sk_buff *skb = bpf_cast_to_kern_ctx((char *)ctx + 8);

	return skb->len > 1500 ? TC_ACT_SHOT : TC_ACT_OK;
}

// @expect xdp_buff_via_kern_ctx accept
SEC("xdp")
int xdp_buff_via_kern_ctx(struct xdp_md *ctx)
{
	struct xdp_buff *xdp = bpf_cast_to_kern_ctx(ctx);

	return xdp->data_end - xdp->data > 64 ? XDP_PASS : XDP_DROP;
}

// @expect rdonly_task_read accept
SEC("tc")
int rdonly_task_read(struct __sk_buff *ctx)
{
	struct task_struct *task = bpf_rdonly_cast(ctx, bpf_core_type_id_kernel(struct task_struct));

	return task->pid == 1 ? TC_ACT_SHOT : TC_ACT_OK;
}

// @expect rdonly_task_write reject: only read is supported
SEC("tc")
int rdonly_task_write(struct __sk_buff *ctx)
{
	struct task_struct *task = bpf_rdonly_cast(ctx, bpf_core_type_id_kernel(struct task_struct));

	task->pid = 1;
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
