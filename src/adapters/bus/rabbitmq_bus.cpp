#include "adapters/bus/rabbitmq_bus.hpp"

#include <amqp.h>
#include <amqp_tcp_socket.h>

#include <cstring>
#include <vector>

namespace onton::bus {
namespace {

constexpr std::uint16_t kPublishChannel = 1;
constexpr std::uint16_t kAdminChannel = 2;  ///< basic.get over dead letters, closed after each command
constexpr const char* kAttemptHeader = "x-onton-attempt";
constexpr const char* kKeyHeader = "x-onton-key";
constexpr const char* kErrorHeader = "x-onton-error";
constexpr const char* kDeadAtHeader = "x-onton-dead-at";

amqp_bytes_t Bytes(std::string_view s) {
    amqp_bytes_t b;
    b.len = s.size();
    b.bytes = const_cast<char*>(s.data());  // librabbitmq only reads it
    return b;
}

std::string Text(amqp_bytes_t b) { return {static_cast<const char*>(b.bytes), b.len}; }

timeval ToTimeval(std::chrono::milliseconds ms) {
    timeval tv{};
    tv.tv_sec = ms.count() / 1000;
    tv.tv_usec = (ms.count() % 1000) * 1000;
    return tv;
}

std::string Describe(const amqp_rpc_reply_t& reply) {
    switch (reply.reply_type) {
        case AMQP_RESPONSE_NORMAL:
            return "ok";
        case AMQP_RESPONSE_NONE:
            return "missing RPC reply";
        case AMQP_RESPONSE_LIBRARY_EXCEPTION:
            return amqp_error_string2(reply.library_error);
        case AMQP_RESPONSE_SERVER_EXCEPTION:
            if (reply.reply.id == AMQP_CONNECTION_CLOSE_METHOD) {
                const auto* m = static_cast<amqp_connection_close_t*>(reply.reply.decoded);
                return "connection closed by the broker: " + Text(m->reply_text);
            }
            if (reply.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
                const auto* m = static_cast<amqp_channel_close_t*>(reply.reply.decoded);
                return "channel closed by the broker: " + Text(m->reply_text);
            }
            return "broker error";
    }
    return "unknown reply";
}

/// Header values of a delivered message.
struct Headers {
    std::int64_t attempt = 1;
    std::string key;
    std::string error;
    std::int64_t dead_at = 0;
};

std::int64_t IntValue(const amqp_field_value_t& v) {
    switch (v.kind) {
        case AMQP_FIELD_KIND_I8: return v.value.i8;
        case AMQP_FIELD_KIND_U8: return v.value.u8;
        case AMQP_FIELD_KIND_I16: return v.value.i16;
        case AMQP_FIELD_KIND_U16: return v.value.u16;
        case AMQP_FIELD_KIND_I32: return v.value.i32;
        case AMQP_FIELD_KIND_U32: return v.value.u32;
        case AMQP_FIELD_KIND_I64: return v.value.i64;
        case AMQP_FIELD_KIND_U64: return static_cast<std::int64_t>(v.value.u64);
        default: return 0;
    }
}

Headers ReadHeaders(const amqp_basic_properties_t& props) {
    Headers h;
    if ((props._flags & AMQP_BASIC_HEADERS_FLAG) == 0) return h;
    for (int i = 0; i < props.headers.num_entries; ++i) {
        const auto& entry = props.headers.entries[i];
        const auto name = Text(entry.key);
        const bool text = entry.value.kind == AMQP_FIELD_KIND_UTF8 || entry.value.kind == AMQP_FIELD_KIND_BYTES;
        if (name == kAttemptHeader) {
            h.attempt = std::max<std::int64_t>(1, IntValue(entry.value));
        } else if (name == kKeyHeader && text) {
            h.key = Text(entry.value.value.bytes);
        } else if (name == kErrorHeader && text) {
            h.error = Text(entry.value.value.bytes);
        } else if (name == kDeadAtHeader) {
            h.dead_at = IntValue(entry.value);
        }
    }
    return h;
}

ports::BusMessage ToMessage(const amqp_message_t& m, std::string topic, const Headers& h) {
    ports::BusMessage out;
    if ((m.properties._flags & AMQP_BASIC_MESSAGE_ID_FLAG) != 0) out.message_id = Text(m.properties.message_id);
    out.topic = std::move(topic);
    out.key = h.key;
    out.payload = Text(m.body);
    return out;
}

}  // namespace

/// One AMQP connection: opened in the constructor, closed in the destructor. Not thread-safe: the bus guards it.
class AmqpConnection {
public:
    explicit AmqpConnection(const RabbitMqSettings& settings) : state_(amqp_new_connection()) {
        if (state_ == nullptr) throw ports::BusError("amqp: out of memory");
        try {
            Open(settings);
        } catch (...) {
            amqp_destroy_connection(state_);
            throw;
        }
    }
    ~AmqpConnection() {
        if (open_) amqp_connection_close(state_, AMQP_REPLY_SUCCESS);
        amqp_destroy_connection(state_);
    }
    AmqpConnection(const AmqpConnection&) = delete;
    AmqpConnection& operator=(const AmqpConnection&) = delete;

    [[nodiscard]] amqp_connection_state_t get() const noexcept { return state_; }

    /// Throws BusError unless the last RPC on this connection succeeded.
    void Check(const char* what) { Check(amqp_get_rpc_reply(state_), what); }
    void Check(const amqp_rpc_reply_t& reply, const char* what) {
        if (reply.reply_type == AMQP_RESPONSE_NORMAL) return;
        if (reply.reply_type == AMQP_RESPONSE_SERVER_EXCEPTION && reply.reply.id == AMQP_CONNECTION_CLOSE_METHOD) {
            open_ = false;  // the broker already closed it
        }
        throw ports::BusError(std::string("amqp: ") + what + ": " + Describe(reply));
    }

    void OpenChannel(std::uint16_t channel) {
        amqp_channel_open(state_, channel);
        Check("channel.open");
    }
    void CloseChannel(std::uint16_t channel) { Check(amqp_channel_close(state_, channel, AMQP_REPLY_SUCCESS), "channel.close"); }

    void DeclareQueue(std::uint16_t channel, const std::string& name, amqp_table_t arguments) {
        amqp_queue_declare(state_, channel, Bytes(name), 0, 1, 0, 0, arguments);
        Check("queue.declare");
    }

private:
    void Open(const RabbitMqSettings& settings) {
        amqp_connection_info info{};
        amqp_default_connection_info(&info);
        std::vector<char> url(settings.url.begin(), settings.url.end());
        url.push_back('\0');
        if (amqp_parse_url(url.data(), &info) != AMQP_STATUS_OK) throw ports::BusError("amqp: malformed ONTON_AMQP_URL");
        if (info.ssl) throw ports::BusError("amqp: amqps:// is not supported; reach the broker over a private network");
        auto* socket = amqp_tcp_socket_new(state_);
        if (socket == nullptr) throw ports::BusError("amqp: cannot create a socket");
        auto timeout = ToTimeval(settings.timeout);
        if (const int rc = amqp_socket_open_noblock(socket, info.host, info.port, &timeout); rc != AMQP_STATUS_OK) {
            throw ports::BusError(std::string("amqp: cannot connect to ") + info.host + ":" +
                                  std::to_string(info.port) + ": " + amqp_error_string2(rc));
        }
        amqp_set_rpc_timeout(state_, &timeout);
        Check(amqp_login(state_, info.vhost, 0, 131072, 0, AMQP_SASL_METHOD_PLAIN, info.user, info.password), "login");
        open_ = true;
    }

    amqp_connection_state_t state_;
    bool open_ = false;
};

RabbitMqBus::RabbitMqBus(RabbitMqSettings settings) : settings_(std::move(settings)) {}
RabbitMqBus::~RabbitMqBus() = default;

AmqpConnection& RabbitMqBus::Publisher() {
    if (!publisher_) {
        auto conn = std::make_unique<AmqpConnection>(settings_);
        conn->OpenChannel(kPublishChannel);
        amqp_confirm_select(conn->get(), kPublishChannel);
        conn->Check("confirm.select");
        publisher_ = std::move(conn);
        publisher_declared_.clear();
    }
    return *publisher_;
}

AmqpConnection& RabbitMqBus::Consumer() {
    if (!consumer_) {
        consumer_ = std::make_unique<AmqpConnection>(settings_);
        ++consumer_epoch_;
        consuming_.clear();
        channel_topics_.clear();
        buffered_.clear();
    }
    return *consumer_;
}

void RabbitMqBus::ResetPublisher() { publisher_.reset(); }

void RabbitMqBus::ResetConsumer() {
    consumer_.reset();
    consuming_.clear();
    channel_topics_.clear();
    buffered_.clear();  // their deliveries died with the connection: the broker delivers them again
}

void RabbitMqBus::Declare(AmqpConnection& conn, std::uint16_t channel, std::set<std::string>& declared,
                          std::string_view topic) {
    const std::string name(topic);
    if (declared.count(name) != 0) return;
    const auto work = settings_.prefix + "." + name;
    amqp_exchange_declare(conn.get(), channel, Bytes(settings_.prefix), Bytes("direct"), 0, 1, 0, 0, amqp_empty_table);
    conn.Check("exchange.declare");
    conn.DeclareQueue(channel, work, amqp_empty_table);
    amqp_queue_bind(conn.get(), channel, Bytes(work), Bytes(settings_.prefix), Bytes(name), amqp_empty_table);
    conn.Check("queue.bind");
    conn.DeclareQueue(channel, work + ".dead", amqp_empty_table);
    declared.insert(name);
}

std::string RabbitMqBus::RetryQueue(AmqpConnection& conn, std::string_view topic, std::chrono::seconds delay) {
    const auto name = settings_.prefix + "." + std::string(topic) + ".retry." + std::to_string(delay.count()) + "s";
    if (publisher_declared_.count(name) != 0) return name;
    amqp_table_entry_t entries[3];
    entries[0].key = amqp_cstring_bytes("x-message-ttl");
    entries[0].value.kind = AMQP_FIELD_KIND_I64;
    entries[0].value.value.i64 = delay.count() * 1000;
    entries[1].key = amqp_cstring_bytes("x-dead-letter-exchange");
    entries[1].value.kind = AMQP_FIELD_KIND_UTF8;
    entries[1].value.value.bytes = Bytes(settings_.prefix);
    entries[2].key = amqp_cstring_bytes("x-dead-letter-routing-key");
    entries[2].value.kind = AMQP_FIELD_KIND_UTF8;
    entries[2].value.value.bytes = Bytes(topic);
    conn.DeclareQueue(kPublishChannel, name, amqp_table_t{3, entries});
    publisher_declared_.insert(name);
    return name;
}

void RabbitMqBus::PublishConfirmed(const Outgoing& out) {
    auto& conn = Publisher();
    amqp_table_entry_t headers[4];
    int count = 0;
    headers[count].key = amqp_cstring_bytes(kAttemptHeader);
    headers[count].value.kind = AMQP_FIELD_KIND_I64;
    headers[count++].value.value.i64 = out.attempt;
    headers[count].key = amqp_cstring_bytes(kKeyHeader);
    headers[count].value.kind = AMQP_FIELD_KIND_UTF8;
    headers[count++].value.value.bytes = Bytes(out.message->key);
    if (!out.error.empty()) {
        headers[count].key = amqp_cstring_bytes(kErrorHeader);
        headers[count].value.kind = AMQP_FIELD_KIND_UTF8;
        headers[count++].value.value.bytes = Bytes(out.error);
    }
    if (out.dead_at != 0) {
        headers[count].key = amqp_cstring_bytes(kDeadAtHeader);
        headers[count].value.kind = AMQP_FIELD_KIND_I64;
        headers[count++].value.value.i64 = out.dead_at;
    }
    amqp_basic_properties_t props{};
    props._flags = AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_DELIVERY_MODE_FLAG | AMQP_BASIC_MESSAGE_ID_FLAG |
                   AMQP_BASIC_HEADERS_FLAG | AMQP_BASIC_TYPE_FLAG;
    props.content_type = amqp_cstring_bytes("application/json");
    props.delivery_mode = 2;  // persistent
    props.message_id = Bytes(out.message->message_id);
    props.type = Bytes(out.message->topic);
    props.headers = amqp_table_t{count, headers};
    // mandatory: a message no queue takes comes back (basic.return) instead of vanishing.
    const int rc = amqp_basic_publish(conn.get(), kPublishChannel, Bytes(out.exchange), Bytes(out.routing_key), 1, 0,
                                      &props, Bytes(out.message->payload));
    if (rc != AMQP_STATUS_OK) throw ports::BusError(std::string("amqp: publish: ") + amqp_error_string2(rc));
    bool returned = false;
    const auto deadline = std::chrono::steady_clock::now() + settings_.timeout;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) throw ports::BusError("amqp: no publisher confirm in time");
        auto tv = ToTimeval(left);
        amqp_frame_t frame;
        const int wait = amqp_simple_wait_frame_noblock(conn.get(), &frame, &tv);
        if (wait == AMQP_STATUS_TIMEOUT) throw ports::BusError("amqp: no publisher confirm in time");
        if (wait != AMQP_STATUS_OK) throw ports::BusError(std::string("amqp: waiting for a confirm: ") + amqp_error_string2(wait));
        if (frame.frame_type != AMQP_FRAME_METHOD) continue;
        switch (frame.payload.method.id) {
            case AMQP_BASIC_ACK_METHOD:
                if (returned) throw ports::BusError("amqp: no queue took the message (topology missing)");
                return;
            case AMQP_BASIC_NACK_METHOD:
                throw ports::BusError("amqp: the broker refused the message (nack)");
            case AMQP_BASIC_RETURN_METHOD: {
                amqp_message_t message;
                const auto read = amqp_read_message(conn.get(), frame.channel, &message, 0);
                if (read.reply_type == AMQP_RESPONSE_NORMAL) amqp_destroy_message(&message);
                returned = true;
                continue;
            }
            case AMQP_CHANNEL_CLOSE_METHOD:
            case AMQP_CONNECTION_CLOSE_METHOD:
                throw ports::BusError("amqp: the broker closed the publishing connection");
            default:
                continue;
        }
    }
}

void RabbitMqBus::Publish(const ports::BusMessage& message) {
    std::lock_guard lock(publish_mutex_);
    try {
        Declare(Publisher(), kPublishChannel, publisher_declared_, message.topic);
        PublishConfirmed({settings_.prefix, message.topic, &message, 1, {}, 0});
    } catch (const ports::BusError&) {
        ResetPublisher();
        throw;
    }
}

std::optional<ports::Delivery> RabbitMqBus::Fetch(std::string_view topic, std::chrono::milliseconds wait) {
    std::lock_guard lock(consume_mutex_);
    try {
        auto& conn = Consumer();
        auto it = consuming_.find(topic);
        if (it == consuming_.end()) {
            const auto channel = static_cast<std::uint16_t>(consuming_.size() + 1);
            conn.OpenChannel(channel);
            std::set<std::string> declared;
            Declare(conn, channel, declared, topic);
            amqp_basic_qos(conn.get(), channel, 0, settings_.prefetch, 0);
            conn.Check("basic.qos");
            const auto queue = settings_.prefix + "." + std::string(topic);
            amqp_basic_consume(conn.get(), channel, Bytes(queue), amqp_empty_bytes, 0, 0, 0, amqp_empty_table);
            conn.Check("basic.consume");
            it = consuming_.emplace(std::string(topic), channel).first;
            channel_topics_[channel] = std::string(topic);
        }
        if (auto buffered = buffered_.find(topic); buffered != buffered_.end() && !buffered->second.empty()) {
            auto d = std::move(buffered->second.front());
            buffered->second.pop_front();
            return d;
        }
        const auto deadline = std::chrono::steady_clock::now() + wait;
        for (;;) {
            const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            auto tv = ToTimeval(std::max(left, std::chrono::milliseconds(0)));
            amqp_maybe_release_buffers(conn.get());
            amqp_envelope_t envelope;
            const auto reply = amqp_consume_message(conn.get(), &envelope, &tv, 0);
            if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && reply.library_error == AMQP_STATUS_TIMEOUT) {
                return std::nullopt;
            }
            conn.Check(reply, "consume");
            const auto topic_of = channel_topics_.find(envelope.channel);
            ports::Delivery d;
            if (topic_of != channel_topics_.end()) {
                const auto headers = ReadHeaders(envelope.message.properties);
                d.message = ToMessage(envelope.message, topic_of->second, headers);
                d.attempt = headers.attempt;
                d.redelivered = envelope.redelivered != 0;
                d.tag = (static_cast<std::uint64_t>(envelope.channel) << 48U) | envelope.delivery_tag;
                d.epoch = consumer_epoch_;
            }
            amqp_destroy_envelope(&envelope);
            if (topic_of == channel_topics_.end()) continue;
            if (d.message.topic == topic) return d;
            buffered_[d.message.topic].push_back(std::move(d));
        }
    } catch (const ports::BusError&) {
        ResetConsumer();
        throw;
    }
}

void RabbitMqBus::Settle(const ports::Delivery& delivery) {
    std::lock_guard lock(consume_mutex_);
    // A delivery of a connection that is gone was handed back to its queue by the broker: nothing to settle.
    if (!consumer_ || delivery.epoch != consumer_epoch_) return;
    const auto channel = static_cast<std::uint16_t>(delivery.tag >> 48U);
    const auto tag = delivery.tag & ((std::uint64_t{1} << 48U) - 1);
    if (const int rc = amqp_basic_ack(consumer_->get(), channel, tag, 0); rc != AMQP_STATUS_OK) {
        ResetConsumer();
        throw ports::BusError(std::string("amqp: ack: ") + amqp_error_string2(rc));
    }
}

void RabbitMqBus::Ack(const ports::Delivery& delivery) { Settle(delivery); }

void RabbitMqBus::Retry(const ports::Delivery& delivery, std::chrono::seconds delay, std::string_view error) {
    {
        std::lock_guard lock(publish_mutex_);
        try {
            auto& conn = Publisher();
            Declare(conn, kPublishChannel, publisher_declared_, delivery.message.topic);
            const auto queue = RetryQueue(conn, delivery.message.topic, std::max(delay, std::chrono::seconds(1)));
            // The copy first, confirmed, then the ack: a crash in between delivers the message twice, never loses it.
            PublishConfirmed({"", queue, &delivery.message, delivery.attempt + 1, std::string(error.substr(0, 1000)), 0});
        } catch (const ports::BusError&) {
            ResetPublisher();
            throw;
        }
    }
    Settle(delivery);
}

void RabbitMqBus::DeadLetter(const ports::Delivery& delivery, std::string_view error) {
    {
        std::lock_guard lock(publish_mutex_);
        try {
            auto& conn = Publisher();
            Declare(conn, kPublishChannel, publisher_declared_, delivery.message.topic);
            const auto queue = settings_.prefix + "." + delivery.message.topic + ".dead";
            const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
            PublishConfirmed({"", queue, &delivery.message, delivery.attempt, std::string(error.substr(0, 1000)), now});
        } catch (const ports::BusError&) {
            ResetPublisher();
            throw;
        }
    }
    Settle(delivery);
}

std::vector<ports::DeadLetter> RabbitMqBus::ListDeadLetters(std::string_view topic, std::size_t limit) {
    std::lock_guard lock(publish_mutex_);
    std::vector<ports::DeadLetter> out;
    try {
        auto& conn = Publisher();
        Declare(conn, kPublishChannel, publisher_declared_, topic);
        const auto queue = settings_.prefix + "." + std::string(topic) + ".dead";
        conn.OpenChannel(kAdminChannel);
        // basic.get without ack, then closing the channel: every message read goes back to the queue untouched.
        while (out.size() < limit) {
            const auto got = amqp_basic_get(conn.get(), kAdminChannel, Bytes(queue), 0);
            conn.Check(got, "basic.get");
            if (got.reply.id != AMQP_BASIC_GET_OK_METHOD) break;
            amqp_message_t message;
            conn.Check(amqp_read_message(conn.get(), kAdminChannel, &message, 0), "read message");
            const auto headers = ReadHeaders(message.properties);
            ports::DeadLetter d;
            d.message = ToMessage(message, std::string(topic), headers);
            d.attempts = headers.attempt;
            d.error = headers.error;
            d.dead_at = headers.dead_at;
            amqp_destroy_message(&message);
            out.push_back(std::move(d));
        }
        conn.CloseChannel(kAdminChannel);
    } catch (const ports::BusError&) {
        ResetPublisher();
        throw;
    }
    return out;
}

std::int64_t RabbitMqBus::RetryDeadLetters(std::string_view topic, const std::optional<std::string>& message_id) {
    std::lock_guard lock(publish_mutex_);
    std::int64_t moved = 0;
    try {
        auto& conn = Publisher();
        Declare(conn, kPublishChannel, publisher_declared_, topic);
        const auto queue = settings_.prefix + "." + std::string(topic) + ".dead";
        conn.OpenChannel(kAdminChannel);
        for (;;) {
            const auto got = amqp_basic_get(conn.get(), kAdminChannel, Bytes(queue), 0);
            conn.Check(got, "basic.get");
            if (got.reply.id != AMQP_BASIC_GET_OK_METHOD) break;
            const auto tag = static_cast<const amqp_basic_get_ok_t*>(got.reply.decoded)->delivery_tag;
            amqp_message_t message;
            conn.Check(amqp_read_message(conn.get(), kAdminChannel, &message, 0), "read message");
            const auto headers = ReadHeaders(message.properties);
            const auto msg = ToMessage(message, std::string(topic), headers);
            amqp_destroy_message(&message);
            if (message_id && msg.message_id != *message_id) continue;
            // Back on the topic first (confirmed), then gone from the dead letters.
            PublishConfirmed({settings_.prefix, std::string(topic), &msg, 1, {}, 0});
            if (const int rc = amqp_basic_ack(conn.get(), kAdminChannel, tag, 0); rc != AMQP_STATUS_OK) {
                throw ports::BusError(std::string("amqp: ack: ") + amqp_error_string2(rc));
            }
            ++moved;
        }
        conn.CloseChannel(kAdminChannel);  // the others go back to the dead-letter queue
    } catch (const ports::BusError&) {
        ResetPublisher();
        throw;
    }
    return moved;
}

void RabbitMqBus::Disconnect() {
    {
        std::lock_guard lock(consume_mutex_);
        ResetConsumer();
    }
    std::lock_guard lock(publish_mutex_);
    ResetPublisher();
}

}  // namespace onton::bus
