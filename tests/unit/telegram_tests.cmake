onton_add_test(NAME onton_telegram_tests LABEL unit SOURCES ${CMAKE_CURRENT_LIST_DIR}/telegram_test.cpp LIBS onton_telegram)
