# onton_embed_files(TARGET name SYMBOL FunctionName BASE dir FILES f1 f2 ...)
# Generates a .cpp holding each file's bytes so that the binary carries its SQL migrations and documents and runs
# from any directory. Regenerated when a file changes; callers that glob their FILES should use CONFIGURE_DEPENDS so
# that an added file re-runs the configure step.
function(onton_embed_files)
  cmake_parse_arguments(ARG "" "TARGET;BASE;SYMBOL" "FILES" ${ARGN})
  if(NOT ARG_TARGET OR NOT ARG_SYMBOL OR NOT ARG_BASE)
    message(FATAL_ERROR "onton_embed_files: TARGET, SYMBOL and BASE are required")
  endif()
  # The script runs from the build directory, so every path must be absolute; sorting makes the generated array
  # (and so Migrations()) ordered by path, as common/embedded.hpp promises.
  get_filename_component(base "${ARG_BASE}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  set(files "")
  foreach(f IN LISTS ARG_FILES)
    get_filename_component(abs "${f}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    list(APPEND files "${abs}")
  endforeach()
  list(SORT files)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${ARG_TARGET}_embedded.cpp)
  list(JOIN files "|" joined)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DBASE=${base} "-DFILES=${joined}" -DSYMBOL=${ARG_SYMBOL}
            -P ${PROJECT_SOURCE_DIR}/cmake/embed_run.cmake
    DEPENDS ${files} ${PROJECT_SOURCE_DIR}/cmake/embed_run.cmake
    COMMENT "Embedding files for ${ARG_TARGET}"
    VERBATIM)
  add_library(${ARG_TARGET} STATIC ${out})
  target_include_directories(${ARG_TARGET} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${ARG_TARGET} PRIVATE onton_warnings)
endfunction()
