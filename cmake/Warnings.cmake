# Warnings are errors in our own code. Third-party headers come in as SYSTEM
# include directories through their imported targets, so they do not trip this.
add_library(lwm2m_warnings INTERFACE)
target_compile_options(lwm2m_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Werror
  -Wno-missing-field-initializers)
# Every target of ours links this: lwm2m_add_library / lwm2m_add_executable.
function(lwm2m_add_library name)
  add_library(${name} ${ARGN})
  target_link_libraries(${name} PRIVATE lwm2m_warnings)
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
endfunction()
function(lwm2m_add_executable name)
  add_executable(${name} ${ARGN})
  target_link_libraries(${name} PRIVATE lwm2m_warnings)
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
endfunction()
