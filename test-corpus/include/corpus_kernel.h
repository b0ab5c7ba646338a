/* Minimal local mirrors of kernel-internal types for CO-RE, iterator, LSM,
 * fentry and struct_ops programs.
 *
 * Each struct lists only the members the corpus touches, in any order, and is
 * marked preserve_access_index: clang records every member access as a CO-RE
 * relocation, and the loader (libbpf, or bpfcheck's frontend) rewrites the
 * offsets against the target kernel's BTF. That is what lets the corpus build
 * without a vmlinux.h. Names match the kernel's type and member names.
 */
#ifndef BPFCHECK_CORPUS_KERNEL_H
#define BPFCHECK_CORPUS_KERNEL_H

#include "corpus.h"

#define CORPUS_CORE __attribute__((preserve_access_index))

struct qstr {
  const unsigned char *name;
  __u32 len;
} CORPUS_CORE;

struct dentry {
  struct qstr d_name;
  struct dentry *d_parent;
} CORPUS_CORE;

struct path {
  struct dentry *dentry;
} CORPUS_CORE;

struct inode {
  __u64 i_ino;
  unsigned short i_mode;
} CORPUS_CORE;

struct file {
  struct path f_path;
  struct inode *f_inode;
  unsigned int f_flags;
} CORPUS_CORE;

struct task_struct {
  int pid;
  int tgid;
  unsigned int flags;
  char comm[16];
  struct task_struct *real_parent;
  struct task_struct *parent;
} CORPUS_CORE;

struct cgroup {
  int level;
} CORPUS_CORE;

struct cpumask {
  unsigned long bits[1];
} CORPUS_CORE;

struct bpf_cpumask {
  struct cpumask cpumask;
} CORPUS_CORE;

struct sk_buff {
  unsigned int len;
} CORPUS_CORE;

struct xdp_buff {
  void *data;
  void *data_end;
} CORPUS_CORE;

struct bpf_map_ops;

struct bpf_map {
  const struct bpf_map_ops *ops;
  __u32 id;
  char name[16];
  __u32 max_entries;
  __u32 key_size;
  __u32 value_size;
} CORPUS_CORE;

struct bpf_array {
  struct bpf_map map;
  __u32 elem_size;
  __u32 index_mask;
} CORPUS_CORE;

struct bpf_prog_aux {
  __u32 id;
  char name[16];
} CORPUS_CORE;

struct bpf_prog {
  __u32 len;
  struct bpf_prog_aux *aux;
} CORPUS_CORE;

struct seq_file;

struct bpf_iter_meta {
  struct seq_file *seq;
  __u64 session_id;
  __u64 seq_num;
} CORPUS_CORE;

struct bpf_iter__bpf_map {
  struct bpf_iter_meta *meta;
  struct bpf_map *map;
} CORPUS_CORE;

struct bpf_iter__bpf_prog {
  struct bpf_iter_meta *meta;
  struct bpf_prog *prog;
} CORPUS_CORE;

struct bpf_iter__task {
  struct bpf_iter_meta *meta;
  struct task_struct *task;
} CORPUS_CORE;

struct bpf_iter__task_file {
  struct bpf_iter_meta *meta;
  struct task_struct *task;
  __u32 fd;
  struct file *file;
} CORPUS_CORE;

#endif /* BPFCHECK_CORPUS_KERNEL_H */
