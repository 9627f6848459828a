# kernel.cmake - the kernel backend: the lock's own files (mm/mmap_lock.c,
# include/linux/mmap_lock.h) compiled unmodified from a kernel tree against
# the shims in src/kernel/include.  Nothing of the tree enters the
# repository: the build reads it from VMLOCK_KERNEL_SRC.
#
#   VMLOCK_KERNEL_SRC   the tree (a git checkout or an extracted tarball):
#                       the cache variable, else the environment variable
#                       of the same name, else build/kernel-src (made by
#                       tools/kernel-source.sh) if it holds one.
#   VMLOCK_KERNEL_REQUIRED  ON in the kernel presets: no tree is an error.
#
# A tree the shims do not know fails here with one line naming its version
# and what is missing.
set(VMLOCK_KERNEL_SRC "$ENV{VMLOCK_KERNEL_SRC}" CACHE PATH "kernel tree for the kernel backend")
option(VMLOCK_KERNEL_REQUIRED "fail without a kernel tree" OFF)
if(NOT VMLOCK_KERNEL_SRC AND EXISTS ${CMAKE_SOURCE_DIR}/build/kernel-src/tree)
  file(STRINGS ${CMAKE_SOURCE_DIR}/build/kernel-src/tree _tree LIMIT_COUNT 1)
  set(VMLOCK_KERNEL_SRC "${_tree}" CACHE PATH "kernel tree for the kernel backend" FORCE)
endif()
if(NOT VMLOCK_KERNEL_SRC)
  if(VMLOCK_KERNEL_REQUIRED)
    message(FATAL_ERROR "kernel backend: no kernel tree: set VMLOCK_KERNEL_SRC or run tools/kernel-source.sh")
  endif()
  return()
endif()
if("thread" IN_LIST VMLOCK_SANITIZERS)
  # The kernel objects use ThreadSanitizer's instrumentation with hooks of
  # our own, which the TSan runtime would define too.
  message(STATUS "kernel backend: not in a ThreadSanitizer build")
  return()
endif()

# The tree's facts: version, and what the shims need of it.
# The line as it is (NOTICE: unwrapped, on stderr), then the failure.
function(vmlock_kernel_fail what)
  message(NOTICE "kernel backend: Linux ${VMLOCK_KERNEL_VERSION} (${VMLOCK_KERNEL_SRC}): ${what}")
  message(FATAL_ERROR "kernel backend: a tree the shims do not know (the line above)")
endfunction()
set(_k ${VMLOCK_KERNEL_SRC})
set(VMLOCK_KERNEL_VERSION "(unknown version)")
if(NOT EXISTS ${_k}/Makefile)
  vmlock_kernel_fail("no Makefile: not a kernel tree")
endif()
file(STRINGS ${_k}/Makefile _mk REGEX "^(VERSION|PATCHLEVEL|SUBLEVEL|EXTRAVERSION) =" LIMIT_COUNT 4)
foreach(_l ${_mk})
  string(REGEX MATCH "^([A-Z]+) = *(.*)$" _m "${_l}")
  set(_v_${CMAKE_MATCH_1} "${CMAKE_MATCH_2}")
endforeach()
set(VMLOCK_KERNEL_VERSION "${_v_VERSION}.${_v_PATCHLEVEL}.${_v_SUBLEVEL}${_v_EXTRAVERSION}")
if("${_v_VERSION}.${_v_PATCHLEVEL}" VERSION_LESS 6.15)
  vmlock_kernel_fail("older than 6.15: the VMA lock is an rwsem there (no vm_refcnt); not a target")
endif()
# The tree's files: compiled (mmap_lock.c), used as they are (the real
# headers), or read for facts (mm_types.h).
set(VMLOCK_KERNEL_REAL_HEADERS mmap_lock.h refcount.h refcount_types.h rcuwait.h)
foreach(_f mm/mmap_lock.c include/linux/mm_types.h)
  if(NOT EXISTS ${_k}/${_f})
    vmlock_kernel_fail("${_f} is missing")
  endif()
endforeach()
foreach(_h ${VMLOCK_KERNEL_REAL_HEADERS})
  if(NOT EXISTS ${_k}/include/linux/${_h})
    vmlock_kernel_fail("include/linux/${_h} is missing")
  endif()
endforeach()
# The lock protocol the shims and the harness know (7.2, 7.3): readers
# excluded by a flag in vm_refcnt, the put that returns the count.  6.15 to
# 7.1 name these otherwise (__vma_enter_locked, an out-of-line
# vma_mark_detached, raw rwsem_acquire for lockdep): they would need a
# per-version adapter.
set(_need_c __vma_start_exclude_readers __vma_exclude_readers_for_detach lock_vma_under_rcu)
set(_need_h __vma_refcount_put_return __vma_are_readers_excluded vma_start_write_killable)
file(READ ${_k}/mm/mmap_lock.c _src_c)
file(READ ${_k}/include/linux/mmap_lock.h _src_h)
foreach(_s ${_need_c})
  string(FIND "${_src_c}" "${_s}(" _at)
  if(_at LESS 0)
    vmlock_kernel_fail("mm/mmap_lock.c has no ${_s}() (6.15-7.1 name the lock's steps otherwise: a per-version adapter is missing)")
  endif()
endforeach()
foreach(_s ${_need_h})
  string(FIND "${_src_h}" "${_s}(" _at)
  if(_at LESS 0)
    vmlock_kernel_fail("include/linux/mmap_lock.h has no ${_s}() (6.15-7.1 name the lock's steps otherwise: a per-version adapter is missing)")
  endif()
endforeach()
# Every header the lock's files and the real headers include must be a
# shim or a real header: a new dependency is named here, not as a compile
# error.
foreach(_f mm/mmap_lock.c include/linux/mmap_lock.h include/linux/refcount.h
    include/linux/refcount_types.h include/linux/rcuwait.h)
  file(STRINGS ${_k}/${_f} _incs REGEX "^#include <[^>]+>")
  foreach(_i ${_incs})
    string(REGEX REPLACE "^#include <([^>]+)>.*" "\\1" _i "${_i}")
    get_filename_component(_base ${_i} NAME)
    if(NOT EXISTS ${CMAKE_SOURCE_DIR}/src/kernel/include/${_i} AND
       NOT (_i MATCHES "^linux/" AND _base IN_LIST VMLOCK_KERNEL_REAL_HEADERS))
      if(_i STREQUAL "linux/extable.h")
        continue()	# CONFIG_LOCK_MM_AND_FIND_VMA only, which is off
      endif()
      vmlock_kernel_fail("${_f} includes <${_i}>, which the shims do not provide")
    endif()
  endforeach()
endforeach()
file(STRINGS ${_k}/include/linux/mm_types.h _facts
  REGEX "^#define VM_REFCNT_(EXCLUDE_READERS_BIT|EXCLUDE_READERS_FLAG|LIMIT)[ \t]")
list(LENGTH _facts _nfacts)
if(NOT _nfacts EQUAL 3)
  vmlock_kernel_fail("include/linux/mm_types.h lacks VM_REFCNT_EXCLUDE_READERS_BIT/_FLAG or VM_REFCNT_LIMIT")
endif()

# The build's view of the tree: the real headers used as they are, and the
# encoding's constants, copied into the build directory (so a full tree's
# other headers never shadow a system header or a shim).
set(VMLOCK_KERNEL_GEN ${CMAKE_BINARY_DIR}/kernel)
foreach(_h ${VMLOCK_KERNEL_REAL_HEADERS})
  configure_file(${_k}/include/linux/${_h} ${VMLOCK_KERNEL_GEN}/include/linux/${_h} COPYONLY)
endforeach()
# 7.3's vma_assert_can_modify(): the operations call the tree's own where
# the kernel does; a tree without it (7.2) asserts nothing there.
file(STRINGS ${_k}/include/linux/mmap_lock.h _can_modify
  REGEX "^static inline void vma_assert_can_modify\\(")
if(_can_modify)
  list(APPEND _facts "#define VMLOCK_KERNEL_HAS_ASSERT_CAN_MODIFY 1")
else()
  list(APPEND _facts "#define VMLOCK_KERNEL_HAS_ASSERT_CAN_MODIFY 0")
endif()
list(JOIN _facts "\n" _facts)
file(WRITE ${VMLOCK_KERNEL_GEN}/kernel_facts.h.new
  "/* From ${_k}/include/linux/mm_types.h (Linux ${VMLOCK_KERNEL_VERSION}). */\n"
  "#define VMLOCK_KERNEL_VERSION \"${VMLOCK_KERNEL_VERSION}\"\n${_facts}\n")
configure_file(${VMLOCK_KERNEL_GEN}/kernel_facts.h.new ${VMLOCK_KERNEL_GEN}/kernel_facts.h COPYONLY)
message(STATUS "kernel backend: Linux ${VMLOCK_KERNEL_VERSION} from ${_k}")

add_subdirectory(src/kernel)
