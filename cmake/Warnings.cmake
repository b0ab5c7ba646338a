# Compiler warnings (errors in CI) and the sanitizer configuration.

add_library(bpfcheck_warnings INTERFACE)
target_compile_options(bpfcheck_warnings INTERFACE -Wall -Wextra -Wpedantic
                       -Wnon-virtual-dtor -Wimplicit-fallthrough -Wno-missing-field-initializers
                       # g++'s -Wshadow also flags constructor parameters named after members
                       $<IF:$<CXX_COMPILER_ID:GNU>,-Wshadow=compatible-local,-Wshadow>)
if(BPFCHECK_WERROR)
  target_compile_options(bpfcheck_warnings INTERFACE -Werror)
endif()

if(BPFCHECK_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

if(BPFCHECK_FUZZ)
  # Coverage for libFuzzer in every library; the fuzz targets add the fuzzer's main.
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

# bpfcheck_add_library(NAME folder DEPENDS ...): one module = one static library with a
# public include/ directory; dependencies point one way (DESIGN.md).
function(bpfcheck_add_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include)
  target_link_libraries(${name} PUBLIC ${ARG_PUBLIC_DEPS} PRIVATE ${ARG_PRIVATE_DEPS} bpfcheck_warnings)
endfunction()
