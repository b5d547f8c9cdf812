# ASan + UBSan for the dev preset; applied to every target so that the runtime matches.
if(ONTON_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
