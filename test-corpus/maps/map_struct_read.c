/* Reading a map's own kernel struct through the map pointer, as loaders with CAP_PERFMON
 * may (check_ptr_to_map_access): an array map is a struct bpf_array embedding a struct
 * bpf_map, whose fields CO-RE relocates against the running kernel.
 * - array_geometry: reads max_entries and elem_size: accepted.
 * - resize_array: writes max_entries: refused, the struct is read-only.
 * - half_of_ops: reads 4 bytes in the middle of the ops pointer: refused, a pointer member is
 *   read whole.
 * - past_the_struct: reads past the end of struct bpf_array: refused.
 * The last two read at fixed offsets of Linux 6.18's layout (struct bpf_map starts with a
 * 32-byte sha and a u32 excl, so ops is at byte 40; struct bpf_array has 312 bytes): CO-RE
 * offsets would arrive as pointer arithmetic, which map pointers do not allow. */
#include "corpus.h"
#include "corpus_kernel.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 7);
	__type(key, __u32);
	__type(value, __u64);
} table SEC(".maps");

// @expect array_geometry accept
SEC("socket")
int array_geometry(struct __sk_buff *skb)
{
	struct bpf_array *array = (struct bpf_array *)&table;

	return array->map.max_entries * array->elem_size;
}

// @expect resize_array reject: only read from bpf_array is supported
SEC("socket")
int resize_array(struct __sk_buff *skb)
{
	struct bpf_map *map = (struct bpf_map *)&table;

	map->max_entries = 1;
	return 0;
}

// @expect half_of_ops reject: cannot access ptr member ops
SEC("socket")
int half_of_ops(struct __sk_buff *skb)
{
	return *(volatile __u32 *)((char *)&table + 42);
}

// @expect past_the_struct reject: access beyond struct bpf_array
SEC("socket")
int past_the_struct(struct __sk_buff *skb)
{
	return *(volatile __u32 *)((char *)&table + 312);
}

char LICENSE[] SEC("license") = "GPL";
