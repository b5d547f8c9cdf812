#pragma once
/// Media port: content-addressed storage of uploaded images. Names are `<sha256 hex>.<ext>`, so storing the same
/// bytes twice yields one file and a name never changes meaning (served with immutable caching).

#include <optional>
#include <string>
#include <string_view>

namespace onton::ports {

class MediaStore {
public:
    virtual ~MediaStore() = default;
    /// Stores `bytes` durably and returns the name. Throws std::runtime_error when the disk refuses.
    virtual std::string Put(std::string_view bytes, std::string_view extension) = 0;
    /// The bytes under `name`; nullopt when absent or when the name is not one Put could have returned.
    [[nodiscard]] virtual std::optional<std::string> Get(std::string_view name) const = 0;
};

}  // namespace onton::ports
