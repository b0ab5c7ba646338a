/* perf_event program that tries to change the sampling period by writing
 * ctx->sample_period. struct bpf_perf_event_data is a read-only view of the
 * sample; the period is owned by the perf core. Rejected: write to a read-only
 * context field. */
#include "corpus.h"

// @expect halve_period reject: invalid bpf_context access off=168 size=8
SEC("perf_event")
int halve_period(struct bpf_perf_event_data *ctx)
{
	ctx->sample_period = ctx->sample_period / 2;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
