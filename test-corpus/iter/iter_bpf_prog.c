/* iter/bpf_prog program that writes the id and instruction count of every
 * loaded BPF program as a fixed-size binary record with bpf_seq_write. The prog
 * pointer is null-checked, prog->aux is a trusted pointer walk. Accepted. */
#include "corpus_kernel.h"

struct prog_record {
	__u32 id;
	__u32 len;
};

// @expect dump_progs accept
SEC("iter/bpf_prog")
int dump_progs(struct bpf_iter__bpf_prog *ctx)
{
	struct bpf_prog *prog = ctx->prog;
	struct prog_record rec;

	if (!prog)
		return 0;
	rec.id = prog->aux->id;
	rec.len = prog->len;
	bpf_seq_write(ctx->meta->seq, &rec, sizeof(rec));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
