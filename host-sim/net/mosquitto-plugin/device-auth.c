/* Mosquitto 2.0 plugin (plugin API v5): the login check of the simulated home's broker
 * (host-sim/net/broker-mosquitto.ts writes its accounts file and loads it).
 *
 * It does the whole username/password check itself, because mosquitto 2.0.11 has no
 * way to tie a password login to the client certificate (use_identity_as_username drops
 * the password), and because counting failures needs to see the result:
 *   - accounts file, one account a line: "<user> <serial> <$7$ hash>"; serial "*" means
 *     no certificate binding (service users such as the cloud);
 *   - the password is checked against the $7$ PBKDF2-HMAC-SHA512 hash (mosquitto's own
 *     password-file format) with OpenSSL;
 *   - a device account (serial given) is accepted only when the client certificate's
 *     one CN equals the serial; the certificate was verified against the CA by the TLS
 *     listener (require_certificate true) before this runs;
 *   - failed logins of an existing account: `free_failures` free, then each failure
 *     closes the account for a window doubling from `first_window_ms` up to
 *     `max_window_ms`; in the window every login of it is refused unchecked, the right
 *     password too. Same policy as host-sim/net/login-limit.ts.
 *
 * Mosquitto calls the basic-auth callbacks in registration order and stops at the first
 * answer other than "defer" (src/security.c, mosquitto_unpwd_check); without a
 * password_file no built-in check is registered, so this plugin decides alone. On a
 * reload (SIGHUP) mosquitto re-checks every connected client through the same callback
 * (mosquitto_security_apply): such a re-check of a client this plugin accepted skips the
 * window and the counting, so a guesser cannot knock a connected device off, while a
 * removed account or changed password still disconnects it.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <mosquitto.h>
#include <mosquitto_broker.h>
#include <mosquitto_plugin.h>

#define MAX_NAME 64
#define MAX_HASH 256
#define MAX_LINE 512
#define MAX_ACCOUNTS 100000
#define SALT_MAX 64
#define KEY_LEN 64
#define MAX_ITERATIONS 10000000L

struct account {
	char user[MAX_NAME + 1];
	char serial[MAX_NAME + 1]; /* "" = no certificate binding */
	char hash[MAX_HASH + 1];
	unsigned failures;
	long long closed_until_ms;
};

struct state {
	mosquitto_plugin_id_t *id;
	char *accounts_path;
	struct account *accounts;
	size_t count;
	unsigned free_failures;
	long long first_window_ms;
	long long max_window_ms;
	/* Clients this plugin accepted and that have not disconnected. */
	const struct mosquitto **accepted;
	size_t accepted_count, accepted_cap;
};

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool valid_name(const char *s)
{
	size_t n = strlen(s);
	if(n < 1 || n > MAX_NAME) return false;
	for(size_t i = 0; i < n; i++){
		unsigned char c = (unsigned char)s[i];
		if(c <= 0x20 || c >= 0x7f || c == ':') return false;
	}
	return true;
}

/* Standard base64 with padding into out (cap bytes, room for the padding's 2 extra
 * bytes EVP_DecodeBlock writes included); the decoded length, or -1 when malformed. */
static int b64_decode(const char *in, unsigned char *out, int cap)
{
	int len = (int)strlen(in);
	if(len == 0 || len % 4 != 0 || len / 4 * 3 > cap) return -1;
	int n = EVP_DecodeBlock(out, (const unsigned char *)in, len);
	if(n < 0) return -1;
	if(in[len - 1] == '=') n--;
	if(in[len - 2] == '=') n--;
	return n;
}

/* Whether password matches a "$7$<iterations>$<salt>$<hash>" string. */
static bool password_matches(const char *password, const char *stored)
{
	char buf[MAX_HASH + 1];
	unsigned char salt[SALT_MAX + 2], want[KEY_LEN + 2], got[KEY_LEN];
	if(strncmp(stored, "$7$", 3) != 0 || strlen(stored) > MAX_HASH) return false;
	strcpy(buf, stored + 3);
	char *salt_b64 = strchr(buf, '$');
	if(!salt_b64) return false;
	*salt_b64++ = '\0';
	char *hash_b64 = strchr(salt_b64, '$');
	if(!hash_b64) return false;
	*hash_b64++ = '\0';
	char *end;
	errno = 0;
	long iterations = strtol(buf, &end, 10);
	if(errno || *end || end == buf || iterations < 1 || iterations > MAX_ITERATIONS) return false;
	int salt_len = b64_decode(salt_b64, salt, sizeof salt);
	if(salt_len < 1) return false;
	if(b64_decode(hash_b64, want, sizeof want) != KEY_LEN) return false;
	if(!PKCS5_PBKDF2_HMAC(password, (int)strlen(password), salt, salt_len, (int)iterations,
			EVP_sha512(), KEY_LEN, got)) return false;
	bool same = CRYPTO_memcmp(got, want, KEY_LEN) == 0;
	OPENSSL_cleanse(got, sizeof got);
	return same;
}

/* Whether the client's certificate has exactly one CN and it equals serial. */
static bool certificate_names(const struct mosquitto *client, const char *serial)
{
	X509 *cert = mosquitto_client_certificate(client);
	if(!cert) return false;
	bool ok = false;
	X509_NAME *name = X509_get_subject_name(cert);
	int i = name ? X509_NAME_get_index_by_NID(name, NID_commonName, -1) : -1;
	if(i >= 0 && X509_NAME_get_index_by_NID(name, NID_commonName, i) < 0){
		const ASN1_STRING *cn = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
		size_t n = strlen(serial);
		ok = cn && (size_t)ASN1_STRING_length(cn) == n && memcmp(ASN1_STRING_get0_data(cn), serial, n) == 0;
	}
	X509_free(cert);
	return ok;
}

static struct account *find_account(struct state *st, const char *user)
{
	for(size_t i = 0; i < st->count; i++){
		if(strcmp(st->accounts[i].user, user) == 0) return &st->accounts[i];
	}
	return NULL;
}

/* Reads the accounts file. Failure counts of accounts that stay are kept. When the file
 * cannot be read or has a bad line, no account is accepted (fail closed). */
static void load_accounts(struct state *st)
{
	struct account *old = st->accounts;
	size_t old_count = st->count;
	st->accounts = NULL;
	st->count = 0;

	FILE *f = fopen(st->accounts_path, "r");
	struct account *list = NULL;
	size_t n = 0, cap = 0;
	bool bad = f == NULL;
	char line[MAX_LINE];
	while(!bad && fgets(line, sizeof line, f)){
		size_t len = strlen(line);
		if(len == 0 || line[len - 1] != '\n'){ bad = true; break; }
		line[len - 1] = '\0';
		if(line[0] == '\0' || line[0] == '#') continue;
		char *user = strtok(line, " "), *serial = strtok(NULL, " "), *hash = strtok(NULL, " ");
		if(!user || !serial || !hash || strtok(NULL, " ") || !valid_name(user) ||
				!valid_name(serial) || strlen(hash) > MAX_HASH || n >= MAX_ACCOUNTS){
			bad = true;
			break;
		}
		if(n == cap){
			cap = cap ? cap * 2 : 16;
			struct account *grown = realloc(list, cap * sizeof *list);
			if(!grown){ bad = true; break; }
			list = grown;
		}
		struct account *a = &list[n++];
		memset(a, 0, sizeof *a);
		strcpy(a->user, user);
		strcpy(a->serial, strcmp(serial, "*") == 0 ? "" : serial);
		strcpy(a->hash, hash);
		for(size_t i = 0; i < old_count; i++){
			if(strcmp(old[i].user, user) == 0){
				a->failures = old[i].failures;
				a->closed_until_ms = old[i].closed_until_ms;
				break;
			}
		}
	}
	if(f) fclose(f);
	if(old){
		OPENSSL_cleanse(old, old_count * sizeof *old);
		free(old);
	}
	if(bad){
		mosquitto_log_printf(MOSQ_LOG_ERR, "device-auth: cannot read accounts from %s: no login is accepted", st->accounts_path);
		free(list);
		return;
	}
	st->accounts = list;
	st->count = n;
}

static bool is_accepted(struct state *st, const struct mosquitto *client, size_t *at)
{
	for(size_t i = 0; i < st->accepted_count; i++){
		if(st->accepted[i] == client){
			if(at) *at = i;
			return true;
		}
	}
	return false;
}

static void forget_client(struct state *st, const struct mosquitto *client)
{
	size_t i;
	if(is_accepted(st, client, &i)) st->accepted[i] = st->accepted[--st->accepted_count];
}

static bool remember_client(struct state *st, const struct mosquitto *client)
{
	if(is_accepted(st, client, NULL)) return true;
	if(st->accepted_count == st->accepted_cap){
		size_t cap = st->accepted_cap ? st->accepted_cap * 2 : 64;
		const struct mosquitto **grown = realloc(st->accepted, cap * sizeof *grown);
		if(!grown) return false;
		st->accepted = grown;
		st->accepted_cap = cap;
	}
	st->accepted[st->accepted_count++] = client;
	return true;
}

static long long window_after(const struct state *st, unsigned failures)
{
	if(failures <= st->free_failures) return 0;
	unsigned over = failures - st->free_failures - 1;
	long long w = st->first_window_ms;
	while(over-- > 0 && w < st->max_window_ms) w *= 2;
	return w < st->max_window_ms ? w : st->max_window_ms;
}

static int on_basic_auth(int event, void *event_data, void *userdata)
{
	(void)event;
	struct state *st = userdata;
	struct mosquitto_evt_basic_auth *ed = event_data;
	const char *user = ed->username, *password = ed->password;
	size_t dummy;
	bool recheck = is_accepted(st, ed->client, &dummy);

	struct account *a = (user && password) ? find_account(st, user) : NULL;
	if(!a){
		if(recheck) forget_client(st, ed->client);
		return MOSQ_ERR_AUTH;
	}
	long long now = now_ms();
	if(!recheck && a->closed_until_ms > now){
		mosquitto_log_printf(MOSQ_LOG_NOTICE, "device-auth: refused %s: too many failed logins, closed for %lld ms more",
				user, a->closed_until_ms - now);
		return MOSQ_ERR_AUTH;
	}
	bool ok = password_matches(password, a->hash);
	if(ok && a->serial[0] && !certificate_names(ed->client, a->serial)){
		mosquitto_log_printf(MOSQ_LOG_NOTICE, "device-auth: refused %s: client certificate is not remote %s", user, a->serial);
		ok = false;
	}
	if(recheck){
		if(!ok) forget_client(st, ed->client);
		return ok ? MOSQ_ERR_SUCCESS : MOSQ_ERR_AUTH;
	}
	if(!ok){
		if(a->failures < 1000000) a->failures++;
		a->closed_until_ms = now + window_after(st, a->failures);
		return MOSQ_ERR_AUTH;
	}
	a->failures = 0;
	a->closed_until_ms = 0;
	/* Out of memory: refuse rather than accept a client the re-check would misjudge. */
	return remember_client(st, ed->client) ? MOSQ_ERR_SUCCESS : MOSQ_ERR_AUTH;
}

static int on_reload(int event, void *event_data, void *userdata)
{
	(void)event;
	(void)event_data;
	load_accounts(userdata);
	return MOSQ_ERR_PLUGIN_DEFER; /* let mosquitto reload the rest (acl_file) */
}

static int on_disconnect(int event, void *event_data, void *userdata)
{
	(void)event;
	struct mosquitto_evt_disconnect *ed = event_data;
	forget_client(userdata, ed->client);
	return MOSQ_ERR_SUCCESS;
}

int mosquitto_plugin_version(int supported_version_count, const int *supported_versions)
{
	for(int i = 0; i < supported_version_count; i++){
		if(supported_versions[i] == 5) return 5;
	}
	return -1;
}

static bool option_number(const char *value, long long lo, long long hi, long long *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(value, &end, 10);
	if(errno || *end || end == value || v < lo || v > hi) return false;
	*out = v;
	return true;
}

int mosquitto_plugin_init(mosquitto_plugin_id_t *identifier, void **userdata, struct mosquitto_opt *options, int option_count)
{
	struct state *st = calloc(1, sizeof *st);
	if(!st) return MOSQ_ERR_NOMEM;
	st->id = identifier;
	long long free_failures = 5, first = 1000, max = 60000;
	bool ok = true;
	for(int i = 0; i < option_count && ok; i++){
		const char *k = options[i].key, *v = options[i].value;
		if(strcmp(k, "accounts") == 0) ok = (st->accounts_path = strdup(v)) != NULL;
		else if(strcmp(k, "free_failures") == 0) ok = option_number(v, 0, 1000, &free_failures);
		else if(strcmp(k, "first_window_ms") == 0) ok = option_number(v, 1, 86400000, &first);
		else if(strcmp(k, "max_window_ms") == 0) ok = option_number(v, 1, 86400000, &max);
		else ok = false;
		if(!ok) mosquitto_log_printf(MOSQ_LOG_ERR, "device-auth: bad option %s", k);
	}
	if(ok && (!st->accounts_path || max < first)){
		mosquitto_log_printf(MOSQ_LOG_ERR, "device-auth: needs plugin_opt_accounts, and max_window_ms >= first_window_ms");
		ok = false;
	}
	if(!ok){
		free(st->accounts_path);
		free(st);
		return MOSQ_ERR_INVAL;
	}
	st->free_failures = (unsigned)free_failures;
	st->first_window_ms = first;
	st->max_window_ms = max;
	load_accounts(st);
	*userdata = st;
	if(mosquitto_callback_register(identifier, MOSQ_EVT_BASIC_AUTH, on_basic_auth, NULL, st) ||
			mosquitto_callback_register(identifier, MOSQ_EVT_RELOAD, on_reload, NULL, st) ||
			mosquitto_callback_register(identifier, MOSQ_EVT_DISCONNECT, on_disconnect, NULL, st)){
		return MOSQ_ERR_UNKNOWN;
	}
	return MOSQ_ERR_SUCCESS;
}

int mosquitto_plugin_cleanup(void *userdata, struct mosquitto_opt *options, int option_count)
{
	(void)options;
	(void)option_count;
	struct state *st = userdata;
	if(!st) return MOSQ_ERR_SUCCESS;
	mosquitto_callback_unregister(st->id, MOSQ_EVT_BASIC_AUTH, on_basic_auth, NULL);
	mosquitto_callback_unregister(st->id, MOSQ_EVT_RELOAD, on_reload, NULL);
	mosquitto_callback_unregister(st->id, MOSQ_EVT_DISCONNECT, on_disconnect, NULL);
	if(st->accounts){
		OPENSSL_cleanse(st->accounts, st->count * sizeof *st->accounts);
		free(st->accounts);
	}
	free(st->accepted);
	free(st->accounts_path);
	free(st);
	return MOSQ_ERR_SUCCESS;
}
