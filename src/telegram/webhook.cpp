#include "telegram/webhook.hpp"

#include <cctype>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "telegram/crypto.hpp"

namespace onton::telegram {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxCommandNameBytes = 32;
constexpr std::string_view kEventPrefix = "event_";

// Thrown only inside this file and caught by ParseUpdate: it lets the field readers stay one-liners while every
// problem still becomes an Error naming the field.
class BadField : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

std::string Path(std::string_view parent, std::string_view name) {
    return std::string(parent) + "." + std::string(name);
}

const json* Find(const json& object, std::string_view name) {
    const auto it = object.find(name);
    return it == object.end() || it->is_null() ? nullptr : &*it;
}

const json& Object(const json& object, std::string_view name, std::string_view parent) {
    const json* value = Find(object, name);
    if (value == nullptr) throw BadField(Path(parent, name) + " is missing");
    if (!value->is_object()) throw BadField(Path(parent, name) + " is not an object");
    return *value;
}

std::int64_t Int(const json& object, std::string_view name, std::string_view parent) {
    const json* value = Find(object, name);
    if (value == nullptr) throw BadField(Path(parent, name) + " is missing");
    // Telegram ids fit in 52 bits; an unsigned value above int64 max or a fraction is not one of them.
    if (value->is_number_integer() && !(value->is_number_unsigned() && value->get<std::uint64_t>() >
                                                                static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))) {
        return value->get<std::int64_t>();
    }
    throw BadField(Path(parent, name) + " is not an integer");
}

std::optional<std::int64_t> OptionalInt(const json& object, std::string_view name, std::string_view parent) {
    if (Find(object, name) == nullptr) return std::nullopt;
    return Int(object, name, parent);
}

std::string String(const json& object, std::string_view name, std::string_view parent, bool required) {
    const json* value = Find(object, name);
    if (value == nullptr) {
        if (required) throw BadField(Path(parent, name) + " is missing");
        return {};
    }
    if (!value->is_string()) throw BadField(Path(parent, name) + " is not a string");
    return value->get<std::string>();
}

bool Bool(const json& object, std::string_view name, std::string_view parent) {
    const json* value = Find(object, name);
    if (value == nullptr) return false;
    if (!value->is_boolean()) throw BadField(Path(parent, name) + " is not a boolean");
    return value->get<bool>();
}

TgUser ParseUser(const json& object, std::string_view path) {
    TgUser user;
    user.id = Int(object, "id", path);
    user.is_bot = Bool(object, "is_bot", path);
    user.first_name = String(object, "first_name", path, false);
    user.last_name = String(object, "last_name", path, false);
    user.username = String(object, "username", path, false);
    user.language_code = String(object, "language_code", path, false);
    user.is_premium = Bool(object, "is_premium", path);
    return user;
}

ChatType ParseChatType(std::string_view type) {
    if (type == "private") return ChatType::kPrivate;
    if (type == "group") return ChatType::kGroup;
    if (type == "supergroup") return ChatType::kSupergroup;
    if (type == "channel") return ChatType::kChannel;
    return ChatType::kOther;
}

TgChat ParseChat(const json& object, std::string_view path) {
    TgChat chat;
    chat.id = Int(object, "id", path);
    chat.type = ParseChatType(String(object, "type", path, true));
    chat.title = String(object, "title", path, false);
    chat.username = String(object, "username", path, false);
    return chat;
}

SuccessfulPayment ParsePayment(const json& object, std::string_view path) {
    SuccessfulPayment payment;
    payment.currency = String(object, "currency", path, true);
    payment.total_amount = Int(object, "total_amount", path);
    payment.invoice_payload = String(object, "invoice_payload", path, true);
    payment.telegram_payment_charge_id = String(object, "telegram_payment_charge_id", path, true);
    payment.provider_payment_charge_id = String(object, "provider_payment_charge_id", path, false);
    return payment;
}

TgMessage ParseMessage(const json& object, std::string_view path, const UpdateOptions& options) {
    TgMessage message;
    message.message_id = Int(object, "message_id", path);
    message.date = Int(object, "date", path);
    if (Find(object, "from") != nullptr) message.from = ParseUser(Object(object, "from", path), Path(path, "from"));
    message.chat = ParseChat(Object(object, "chat", path), Path(path, "chat"));
    message.text = String(object, "text", path, false);
    if (const json* entities = Find(object, "entities"); entities != nullptr) {
        if (!entities->is_array()) throw BadField(Path(path, "entities") + " is not an array");
        for (const json& entity : *entities) {
            if (!entity.is_object()) throw BadField(Path(path, "entities") + " holds a non-object");
            const std::string entity_path = Path(path, "entities[]");
            message.entities.push_back(MessageEntity{String(entity, "type", entity_path, true),
                                                     Int(entity, "offset", entity_path),
                                                     Int(entity, "length", entity_path)});
        }
    }
    message.command = ParseBotCommand(message.text, options.bot_username);
    if (Find(object, "successful_payment") != nullptr) {
        message.successful_payment =
            ParsePayment(Object(object, "successful_payment", path), Path(path, "successful_payment"));
    }
    return message;
}

CallbackQuery ParseCallbackQuery(const json& object, std::string_view path) {
    CallbackQuery query;
    query.id = String(object, "id", path, true);
    query.from = ParseUser(Object(object, "from", path), Path(path, "from"));
    query.data = String(object, "data", path, false);
    // The attached message may be "inaccessible" (date 0, no text) but still names its chat and id.
    if (Find(object, "message") != nullptr) {
        const json& message = Object(object, "message", path);
        const std::string message_path = Path(path, "message");
        query.message_id = OptionalInt(message, "message_id", message_path);
        if (Find(message, "chat") != nullptr) {
            query.chat_id = Int(Object(message, "chat", message_path), "id", Path(message_path, "chat"));
        }
    }
    return query;
}

PreCheckoutQuery ParsePreCheckoutQuery(const json& object, std::string_view path) {
    PreCheckoutQuery query;
    query.id = String(object, "id", path, true);
    query.from = ParseUser(Object(object, "from", path), Path(path, "from"));
    query.currency = String(object, "currency", path, true);
    query.total_amount = Int(object, "total_amount", path);
    query.invoice_payload = String(object, "invoice_payload", path, true);
    return query;
}

ChatMemberUpdated ParseChatMemberUpdated(const json& object, std::string_view path) {
    ChatMemberUpdated update;
    update.chat = ParseChat(Object(object, "chat", path), Path(path, "chat"));
    update.from = ParseUser(Object(object, "from", path), Path(path, "from"));
    update.date = Int(object, "date", path);
    update.old_status =
        String(Object(object, "old_chat_member", path), "status", Path(path, "old_chat_member"), true);
    update.new_status =
        String(Object(object, "new_chat_member", path), "status", Path(path, "new_chat_member"), true);
    return update;
}

Update ParseUpdateObject(const json& root, const UpdateOptions& options) {
    Update update;
    update.update_id = Int(root, "update_id", "update");
    if (Find(root, "message") != nullptr) {
        update.kind = UpdateKind::kMessage;
        update.message = ParseMessage(Object(root, "message", "update"), "update.message", options);
    } else if (Find(root, "callback_query") != nullptr) {
        update.kind = UpdateKind::kCallbackQuery;
        update.callback_query =
            ParseCallbackQuery(Object(root, "callback_query", "update"), "update.callback_query");
    } else if (Find(root, "pre_checkout_query") != nullptr) {
        update.kind = UpdateKind::kPreCheckoutQuery;
        update.pre_checkout_query =
            ParsePreCheckoutQuery(Object(root, "pre_checkout_query", "update"), "update.pre_checkout_query");
    } else if (Find(root, "my_chat_member") != nullptr) {
        update.kind = UpdateKind::kMyChatMember;
        update.my_chat_member =
            ParseChatMemberUpdated(Object(root, "my_chat_member", "update"), "update.my_chat_member");
    }
    return update;
}

// Telegram's updates nest a dozen levels at most; anything deeper is refused before the parser builds a tree
// for it (a 1 MiB body of brackets costs seconds and a deep recursion in the DOM otherwise).
bool NestedDeeperThan(std::string_view body, std::size_t limit) {
    std::size_t depth = 0;
    bool in_string = false;
    bool escaped = false;
    for (const char c : body) {
        if (in_string) {
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                in_string = false;
            }
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            if (++depth > limit) return true;
        } else if ((c == '}' || c == ']') && depth > 0) {
            --depth;
        }
    }
    return false;
}

Error Invalid(std::string message) { return Error{std::string(kInvalidUpdate), std::move(message)}; }

bool IsCommandChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

bool IsPayloadChar(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-';
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string Lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool IsCanonicalUuid(std::string_view text) {
    if (text.size() != 36) return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-') return false;
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return false;
        }
    }
    return true;
}

}  // namespace

bool VerifyWebhookSecret(std::optional<std::string_view> received, std::string_view expected) {
    if (expected.empty() || !received.has_value()) return false;
    const crypto::Sha256Digest want = crypto::Sha256(expected);
    const crypto::Sha256Digest got = crypto::Sha256(*received);
    return crypto::ConstantTimeEqual(want, got);
}

Result<Update> ParseUpdate(std::string_view body, const UpdateOptions& options) {
    if (body.size() > kMaxUpdateBytes) return Invalid("update body is larger than 1 MiB");
    if (NestedDeeperThan(body, kMaxUpdateDepth)) return Invalid("update body nests deeper than 64 levels");
    const json root = json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (root.is_discarded()) return Invalid("update body is not valid JSON");
    if (!root.is_object()) return Invalid("update body is not a JSON object");
    try {
        return ParseUpdateObject(root, options);
    } catch (const BadField& e) {
        return Invalid(e.what());
    } catch (const json::exception& e) {
        // Defensive: the readers check types before every get, so this means a reader was missed.
        return Invalid(std::string("update has an unexpected shape: ") + e.what());
    }
}

std::optional<BotCommand> ParseBotCommand(std::string_view text, std::string_view bot_username) {
    if (text.empty() || text.front() != '/') return std::nullopt;
    std::size_t end = 1;
    while (end < text.size() && IsCommandChar(text[end])) ++end;
    const std::string_view name = text.substr(1, end - 1);
    if (name.empty() || name.size() > kMaxCommandNameBytes) return std::nullopt;

    BotCommand command;
    command.name = Lower(name);
    if (end < text.size() && text[end] == '@') {
        const std::size_t mention_begin = end + 1;
        end = mention_begin;
        while (end < text.size() && IsCommandChar(text[end])) ++end;
        command.bot_username = std::string(text.substr(mention_begin, end - mention_begin));
        if (command.bot_username.empty()) return std::nullopt;
        if (!bot_username.empty() && Lower(command.bot_username) != Lower(bot_username)) return std::nullopt;
    }
    if (end < text.size() && !IsSpace(text[end])) return std::nullopt;  // `/start-x`, `/start@bot!`

    std::string_view rest = text.substr(end);
    while (!rest.empty() && IsSpace(rest.front())) rest.remove_prefix(1);
    while (!rest.empty() && IsSpace(rest.back())) rest.remove_suffix(1);
    command.args = std::string(rest);
    return command;
}

std::optional<StartPayload> ParseStartPayload(std::string_view args) {
    if (args.empty() || args.size() > kMaxStartPayloadBytes) return std::nullopt;
    for (const char c : args) {
        if (!IsPayloadChar(c)) return std::nullopt;
    }
    StartPayload payload;
    payload.raw = std::string(args);
    if (args.substr(0, kEventPrefix.size()) == kEventPrefix && IsCanonicalUuid(args.substr(kEventPrefix.size()))) {
        payload.event_uuid = std::string(args.substr(kEventPrefix.size()));
    }
    return payload;
}

std::string EventStartPayload(std::string_view event_uuid) { return std::string(kEventPrefix) + std::string(event_uuid); }

}  // namespace onton::telegram
