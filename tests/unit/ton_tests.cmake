# Unit tests of the ton/ library, compared byte for byte with the @ton/core vectors in tests/vectors/ton.
onton_add_test(NAME onton_ton_tests LABEL unit
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/ton_crc_test.cpp ${CMAKE_CURRENT_LIST_DIR}/ton_cell_test.cpp
          ${CMAKE_CURRENT_LIST_DIR}/ton_boc_test.cpp ${CMAKE_CURRENT_LIST_DIR}/ton_address_test.cpp
          ${CMAKE_CURRENT_LIST_DIR}/ton_comment_test.cpp
  LIBS onton_ton)
target_compile_definitions(onton_ton_tests PRIVATE ONTON_TON_VECTORS_DIR="${PROJECT_SOURCE_DIR}/tests/vectors/ton")
