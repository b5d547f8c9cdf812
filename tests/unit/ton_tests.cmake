# Unit tests of the ton/ library, compared byte for byte with the @ton/core vectors in tests/vectors/ton.
onton_add_test(NAME onton_ton_tests LABEL unit
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/ton_crc_test.cpp ${CMAKE_CURRENT_LIST_DIR}/ton_cell_test.cpp
          ${CMAKE_CURRENT_LIST_DIR}/ton_boc_test.cpp ${CMAKE_CURRENT_LIST_DIR}/ton_address_test.cpp
          ${CMAKE_CURRENT_LIST_DIR}/ton_comment_test.cpp ${CMAKE_CURRENT_LIST_DIR}/ton_mnemonic_test.cpp
          ${CMAKE_CURRENT_LIST_DIR}/ton_wallet_test.cpp ${CMAKE_CURRENT_LIST_DIR}/ton_nft_test.cpp
          ${CMAKE_CURRENT_LIST_DIR}/ton_jetton_test.cpp
          ${CMAKE_CURRENT_LIST_DIR}/ton_proof_test.cpp
  LIBS onton_ton)
target_compile_definitions(onton_ton_tests PRIVATE ONTON_TON_VECTORS_DIR="${PROJECT_SOURCE_DIR}/tests/vectors/ton")

# The fuzz targets replayed over their checked-in corpus (seeds, minimized finds and past crashes) with the
# regular compiler and sanitizers: no clang or libFuzzer needed. fuzz/run.sh does the actual fuzzing.
foreach(target boc address ton_proof message)
  add_executable(onton_ton_${target}_replay ${PROJECT_SOURCE_DIR}/fuzz/${target}_fuzz.cpp
                                            ${PROJECT_SOURCE_DIR}/fuzz/replay_main.cpp)
  target_link_libraries(onton_ton_${target}_replay PRIVATE onton_ton onton_warnings)
  add_test(NAME TonFuzzCorpus.${target}
           COMMAND onton_ton_${target}_replay ${PROJECT_SOURCE_DIR}/fuzz/corpus/${target})
  set_tests_properties(TonFuzzCorpus.${target} PROPERTIES LABELS unit TIMEOUT 300)
endforeach()

# A short libFuzzer session with clang (20 s per target, fuzz/ctest.sh), skipped when clang is not installed.
# `ctest -LE fuzz` leaves it out; fuzz/run.sh runs longer sessions.
add_test(NAME TonFuzz.short COMMAND ${PROJECT_SOURCE_DIR}/fuzz/ctest.sh ${CMAKE_BINARY_DIR}/fuzz 20)
set_tests_properties(TonFuzz.short PROPERTIES LABELS fuzz TIMEOUT 1800 SKIP_RETURN_CODE 77)
