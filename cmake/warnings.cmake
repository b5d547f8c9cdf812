# Curated warning set (cmake_template's list), applied per target through an INTERFACE library.
# -Wnull-dereference is left out: at -O2 it fires inside Boost.Asio's inlined scheduler code, where SYSTEM
# includes cannot silence it.
add_library(onton_warnings INTERFACE)
target_compile_options(onton_warnings INTERFACE
  -Wall -Wextra -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Wunused
  -Woverloaded-virtual -Wpedantic -Wconversion -Wsign-conversion
  -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough -Wmisleading-indentation
  -Wduplicated-cond -Wduplicated-branches -Wlogical-op -Wuseless-cast
  -Werror)
