/* iter/bpf_map program that prints one line per BPF map (id, name, max_entries)
 * into the iterator's seq_file with BPF_SEQ_PRINTF, and a header on the first
 * element. The context's `map` pointer is NULL on the final call (end of
 * iteration), so it must be checked before use. Exercises
 * BPF_PROG_TYPE_TRACING with BPF_TRACE_ITER and bpf_seq_printf. Accepted. */
#include "corpus_kernel.h"

// @expect dump_maps accept
SEC("iter/bpf_map")
int dump_maps(struct bpf_iter__bpf_map *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct bpf_map *map = ctx->map;

	if (!map)
		return 0;
	if (ctx->meta->seq_num == 0)
		BPF_SEQ_PRINTF(seq, "id name max_entries\n");
	BPF_SEQ_PRINTF(seq, "%u %s %u\n", map->id, map->name, map->max_entries);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
