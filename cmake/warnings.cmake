# Curated warning set (cmake_template's list), applied per target through an INTERFACE library.
add_library(onton_warnings INTERFACE)
target_compile_options(onton_warnings INTERFACE
  -Wall -Wextra -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Wunused
  -Woverloaded-virtual -Wpedantic -Wconversion -Wsign-conversion -Wnull-dereference
  -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough -Wmisleading-indentation
  -Wduplicated-cond -Wduplicated-branches -Wlogical-op -Wuseless-cast
  -Werror)
