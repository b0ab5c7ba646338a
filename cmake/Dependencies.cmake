# Every dependency is a Debian bookworm package (scripts/setup.sh installs them).

# LLVM 19.x (its version file accepts only an exact major.minor request).
find_package(LLVM 19.1 REQUIRED CONFIG HINTS /usr/lib/llvm-19/lib/cmake/llvm)
message(STATUS "LLVM ${LLVM_PACKAGE_VERSION} from ${LLVM_DIR}")
# LLVM is linked as the one shared libLLVM-19.so, so that the same libraries can be
# loaded inside clang-19 as a pass plugin without a second copy of LLVM.
add_library(bpfcheck_llvm INTERFACE)
target_include_directories(bpfcheck_llvm SYSTEM INTERFACE ${LLVM_INCLUDE_DIRS})
separate_arguments(_llvm_defs NATIVE_COMMAND "${LLVM_DEFINITIONS}")
target_compile_definitions(bpfcheck_llvm INTERFACE ${_llvm_defs})
target_link_libraries(bpfcheck_llvm INTERFACE LLVM)

find_package(PkgConfig REQUIRED)
pkg_check_modules(LIBELF REQUIRED IMPORTED_TARGET libelf)
pkg_check_modules(LIBBPF REQUIRED IMPORTED_TARGET libbpf)
pkg_check_modules(ZLIB REQUIRED IMPORTED_TARGET zlib)
pkg_check_modules(Z3 REQUIRED IMPORTED_TARGET z3)

find_package(doctest REQUIRED)

find_program(BPFCHECK_CLANG NAMES clang-19 REQUIRED)
find_program(BPFCHECK_LLVM_MC NAMES llvm-mc-19 REQUIRED)
find_program(BPFCHECK_LLVM_OBJDUMP NAMES llvm-objdump-19 REQUIRED)
