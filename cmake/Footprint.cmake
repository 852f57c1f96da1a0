# LWM2M_SMALL: the flags of the installed daemon (scripts/package-deb, the
# Yocto recipe), chosen by measuring idle RSS and binary size (deploy/README.md,
# "Small boxes"). Off for development and test builds, which stay as fast to
# compile as before.
option(LWM2M_SMALL "Build the daemon for a small footprint (the packaged build)" OFF)
set(LWM2M_SMALL_OPT "-O2" CACHE STRING "Optimisation level of an LWM2M_SMALL build")
option(LWM2M_SMALL_LTO "Link-time optimisation in an LWM2M_SMALL build" OFF)
if(LWM2M_SMALL)
  # Every function and object in its own section, so that the linker drops
  # what nothing calls (--gc-sections); -O1 makes ld optimise the string
  # tables; --as-needed keeps libraries no symbol comes from out of DT_NEEDED.
  add_compile_options(${LWM2M_SMALL_OPT} -ffunction-sections -fdata-sections)
  add_link_options(-Wl,--gc-sections -Wl,-O1 -Wl,--as-needed)
  if(LWM2M_SMALL_LTO)
    set(CMAKE_INTERPROCEDURAL_OPTIMIZATION ON)
  endif()
endif()
