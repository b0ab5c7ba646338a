/* bpf_timer in map values. A timer lives in a map value whose BTF holds a
 * `struct bpf_timer`; the helpers take a pointer to exactly that field,
 * bpf_timer_init must be given the map the timer lives in, and the timer's
 * bytes are the kernel's: the program may not read or write them itself. The
 * callback runs later, on its own (asynchronously): it receives the map, the
 * key and the value, must return 0, and must release what it acquires before
 * returning. Tracing programs may not use maps holding timers. */
#include "corpus.h"

#define CLOCK_MONOTONIC 1

struct armed {
	struct bpf_timer timer;
	__u64 fired;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, struct armed);
} timers SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, struct armed);
} other_timers SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

static int count_firing(void *map, __u32 *key, struct armed *value)
{
	value->fired++;
	return 0;
}

// @expect timer_armed accept
SEC("tc")
int timer_armed(struct __sk_buff *skb)
{
	__u32 key = 0;
	struct armed *value = bpf_map_lookup_elem(&timers, &key);

	if (!value)
		return TC_ACT_OK;
	bpf_timer_init(&value->timer, &timers, CLOCK_MONOTONIC);
	bpf_timer_set_callback(&value->timer, count_firing);
	bpf_timer_start(&value->timer, 1000000, 0);
	return TC_ACT_OK;
}

// @expect timer_cancelled accept
SEC("xdp")
int timer_cancelled(struct xdp_md *ctx)
{
	__u32 key = 1;
	struct armed *value = bpf_map_lookup_elem(&other_timers, &key);

	if (value)
		bpf_timer_cancel(&value->timer);
	return XDP_PASS;
}

// @expect timer_other_map reject: doesn't match map pointer in R2
SEC("tc")
int timer_other_map(struct __sk_buff *skb)
{
	__u32 key = 0;
	struct armed *value = bpf_map_lookup_elem(&timers, &key);

	if (!value)
		return TC_ACT_OK;
	bpf_timer_init(&value->timer, &other_timers, CLOCK_MONOTONIC);
	return TC_ACT_OK;
}

// @expect timer_wrong_field reject: doesn't point to 'struct bpf_timer' that is at 0
SEC("tc")
int timer_wrong_field(struct __sk_buff *skb)
{
	__u32 key = 0;
	struct armed *value = bpf_map_lookup_elem(&timers, &key);

	if (!value)
		return TC_ACT_OK;
	bpf_timer_start((struct bpf_timer *)&value->fired, 1000, 0);
	return TC_ACT_OK;
}

// @expect timer_bytes_read reject: bpf_timer cannot be accessed directly by load/store
SEC("tc")
int timer_bytes_read(struct __sk_buff *skb)
{
	__u32 key = 0;
	struct armed *value = bpf_map_lookup_elem(&timers, &key);

	if (!value)
		return TC_ACT_OK;
	return *(volatile __u64 *)&value->timer == 0 ? TC_ACT_OK : TC_ACT_SHOT;
}

static int bad_return(void *map, __u32 *key, struct armed *value)
{
	return 1;
}

// @expect timer_callback_returns_one reject: At async callback return the register R0 has smin=1 smax=1
SEC("tc")
int timer_callback_returns_one(struct __sk_buff *skb)
{
	__u32 key = 0;
	struct armed *value = bpf_map_lookup_elem(&timers, &key);

	if (!value)
		return TC_ACT_OK;
	bpf_timer_set_callback(&value->timer, bad_return);
	return TC_ACT_OK;
}

static int leaks_record(void *map, __u32 *key, struct armed *value)
{
	__u64 *record = bpf_ringbuf_reserve(&events, sizeof(*record), 0);

	if (record)
		*record = value->fired;
	return 0;
}

// @expect timer_callback_leaks reject: Unreleased reference
SEC("tc")
int timer_callback_leaks(struct __sk_buff *skb)
{
	__u32 key = 0;
	struct armed *value = bpf_map_lookup_elem(&timers, &key);

	if (!value)
		return TC_ACT_OK;
	bpf_timer_set_callback(&value->timer, leaks_record);
	return TC_ACT_OK;
}

// @expect timer_in_kprobe reject: tracing progs cannot use bpf_timer yet
SEC("kprobe/do_nanosleep")
int timer_in_kprobe(void *ctx)
{
	__u32 key = 0;
	struct armed *value = bpf_map_lookup_elem(&timers, &key);

	if (value)
		bpf_timer_cancel(&value->timer);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
