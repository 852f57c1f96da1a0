# LWM2M_SMALL: the flags of the installed daemon (scripts/package-deb, the
# Yocto recipe), chosen by measuring idle RSS and
# binary size (docs/footprint.md). Off for development and test builds.
include(CheckCXXSourceCompiles)
option(LWM2M_SMALL "Build the daemon for a small footprint (the packaged build)" OFF)
set(LWM2M_SMALL_OPT "-Os" CACHE STRING "Optimisation level of an LWM2M_SMALL build (-Os, or -O2 for speed first)")
option(LWM2M_SMALL_LTO "Link-time optimisation in an LWM2M_SMALL build (docs/footprint.md)" OFF)
if(LWM2M_SMALL)
  # -Os: a third less code than -O2, and fewer code pages touched at start.
  # Every function and object in its own section, so that the linker drops
  # what nothing calls (--gc-sections).
  add_compile_options(${LWM2M_SMALL_OPT} -ffunction-sections -fdata-sections)
  add_link_options(-Wl,--gc-sections -Wl,-O1 -Wl,--as-needed)
  # Full RELRO: symbols bound at start, the GOT read-only afterwards; no
  # resident cost measured.
  add_link_options(-Wl,-z,relro -Wl,-z,now)
  if(LWM2M_SMALL_LTO)
    set(CMAKE_INTERPROCEDURAL_OPTIMIZATION ON)
  endif()
  # Relative relocations packed (DT_RELR; binutils >= 2.38, glibc >= 2.36):
  # the PIE's .rela.dyn shrinks from ~200 KiB, all of it read at start, to a few.
  # A linker without it (binutils 2.40 for aarch64) only warns, and only when
  # there is a relative relocation to pack: the check has one.
  set(CMAKE_REQUIRED_LINK_OPTIONS -Wl,-z,pack-relative-relocs)
  check_cxx_source_compiles("int x; int* p = &x; int main() { return *p; }" LWM2M_HAVE_RELR
                            FAIL_REGEX "pack-relative-relocs")
  unset(CMAKE_REQUIRED_LINK_OPTIONS)
  if(LWM2M_HAVE_RELR)
    add_link_options(-Wl,-z,pack-relative-relocs)
  endif()
endif()
