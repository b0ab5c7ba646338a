// The kernel's own types, as the verifier needs them for BTF-typed pointers: what a load
// from a kernel struct yields (the kernel's btf_struct_access), and what a tracing, LSM,
// iterator or struct_ops program's attach target takes and returns. An interface, so that
// the verifier stays free of BTF parsing: the frontend implements it over vmlinux BTF.
#pragma once

#include "bpfcheck/platform/ContextLayout.h"
#include "bpfcheck/platform/Types.h"

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bpfcheck {

/// What reading `size` bytes at some offset of a kernel struct gives.
struct KernelField {
  bool allowed = false;
  std::string reason; ///< why not, when refused ("access beyond struct task_struct ...")
  /// A pointer to a struct (or union) named `pointee`; otherwise a number.
  bool isPointer = false;
  std::string_view pointee = {}; ///< stable for the KernelTypes' lifetime
  std::string_view member = {};  ///< the member read, for messages
};

/// The attach target of a program whose context is its target's arguments.
struct AttachTargetInfo {
  BtfArguments arguments;
  /// For each argument that is a pointer to a struct: the struct's name (else empty).
  std::array<std::string_view, 12> argumentStructs{};
  TargetReturn returns = TargetReturn::Value;
};

/// A type of a kfunc's prototype, as the verifier tells them apart.
struct KernelFunctionType {
  enum class Kind : std::uint8_t {
    Void,
    Integer,         ///< an int, enum or bool (`size` bytes)
    PointerToStruct, ///< a pointer to the struct or union `pointee`
    PointerToVoid,
    PointerToScalar, ///< a pointer to `size` bytes of scalars (an int, or a struct of them)
    Other,           ///< anything else (function pointers, pointers to pointers, ...)
  };
  Kind kind = Kind::Other;
  std::string_view pointee = {}; ///< PointerToStruct; PointerToScalar when a struct
  std::uint32_t size = 0;        ///< Integer, PointerToScalar
  /// PointerToStruct: the struct also holds only scalars, so it can be passed as memory.
  bool pointeeIsScalarStruct = false;
};

/// A kernel function's prototype from the kernel's BTF.
struct KernelFunctionPrototype {
  struct Parameter {
    std::string_view name; ///< with its convention suffix ("btf_id__k")
    KernelFunctionType type;
  };
  std::string_view name;
  std::vector<Parameter> parameters;
  KernelFunctionType returns;
};

/// What a BTF type id of the kernel names (bpf_rdonly_cast's type argument).
struct KernelTypeName {
  enum class Kind : std::uint8_t { Void, Struct, Other };
  Kind kind = Kind::Other;
  std::string_view name = {};
};

/// How far a pointer loaded from a field of a trusted kernel object may be trusted (the
/// kernel's BTF_TYPE_SAFE_* allow lists; fields not listed give plain pointers, untrusted
/// outside the RCU read section).
enum class FieldTrust : std::uint8_t { Unlisted, Rcu, RcuOrNull, Trusted, TrustedOrNull };
FieldTrust trustOfPointerField(std::string_view structName, std::string_view member);

/// The struct a struct_ops program's pointer argument really points to, where the kernel
/// promotes it (tcp_congestion_ops callbacks get a `struct sock *` that is a tcp_sock).
std::string_view promotedArgumentStruct(std::string_view structOpsType,
                                        std::string_view argumentStruct);

/// A kernel struct member a struct_ops program may write (bpf_tcp_ca_btf_struct_access).
struct WritableKernelField {
  std::string_view structOpsType; ///< "tcp_congestion_ops"
  std::string_view objectStruct;  ///< the struct written through ("tcp_sock")
  std::string_view memberStruct;  ///< the struct that declares the member (at offset 0)
  std::string_view memberPath;    ///< "snd_cwnd", "icsk_ack.pending"
  bool anyOffsetInside;           ///< writes may start anywhere inside (icsk_ca_priv)
};
std::span<const WritableKernelField> allWritableKernelFields();

class KernelTypes {
public:
  virtual ~KernelTypes() = default;
  /// Reading `size` bytes at `offset` of the struct or union `structName` (the kernel's
  /// btf_struct_walk): a pointer member only whole; a number within one member, or across
  /// members through an untrusted pointer (`untrusted`).
  virtual KernelField readField(std::string_view structName, std::uint32_t offset,
                                std::uint32_t size, bool untrusted) const = 0;
  /// The byte range [first, end) of a member (a dotted path through nested members) of a
  /// struct, or nothing if there is no such member.
  virtual std::optional<std::pair<std::uint32_t, std::uint32_t>>
  memberExtent(std::string_view structName, std::string_view memberPath) const = 0;
  /// The attach target of a program (tracing, LSM, iterator, struct_ops); nothing when the
  /// types do not describe it.
  virtual std::optional<AttachTargetInfo>
  attachTarget(ProgramType type, std::optional<AttachType> attach, std::string_view target,
               std::string_view structOpsType, std::string_view structOpsMember) const = 0;
  /// The kernel function whose BTF id is `btfId` (a kfunc call's immediate), or nothing
  /// when that id is not a function.
  virtual std::optional<KernelFunctionPrototype> kernelFunction(std::uint32_t btfId) const = 0;
  /// Whether the struct `outer` holds the struct `inner` at `offset`: through the members
  /// that start exactly there, outermost first (the kernel's btf_struct_ids_match, which
  /// lets a kfunc taking `struct cpumask *` be given a `struct bpf_cpumask *`).
  virtual bool structStartsWith(std::string_view outer, std::uint32_t offset,
                                std::string_view inner) const = 0;
  /// What the BTF type id `btfId` names; nothing when there is no such type.
  virtual std::optional<KernelTypeName> typeName(std::uint32_t btfId) const = 0;
};

} // namespace bpfcheck
