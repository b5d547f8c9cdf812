# Links with mold when it is installed (scripts/deps.sh installs it): the debug test binaries are large (ASan, tens
# of executables) and mold links each about four times faster than ld.bfd, which CI feels on two cores.
# ONTON_LINKER=default keeps the compiler's own linker.
set(ONTON_LINKER "mold" CACHE STRING "Linker for -fuse-ld (mold) or 'default'")
if(ONTON_LINKER STREQUAL "mold")
  find_program(ONTON_MOLD mold)
  if(ONTON_MOLD)
    add_link_options(-fuse-ld=mold)
  else()
    message(STATUS "mold not found: linking with the default linker")
  endif()
endif()
