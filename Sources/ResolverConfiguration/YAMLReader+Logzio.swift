import Yams

extension YAMLReader {
    /// The `logzio` section: the top-level account, `stale_after: auto`'s definitions, evidence and the
    /// other accounts.
    func readLogzio(_ node: Node, into config: inout ResolverConfig, definitionField: inout String)
        throws(ConfigError)
    {
        for (key, keyNode, value) in try mapping(node, "logzio") {
            let full = "logzio.\(key)"
            switch key {
            case "api_url":
                let url = try string(value, full)
                try Self.checkURL(url, key: full, file: file, line: value.mark?.line)
                config.logzioAPIURL = url
            case "token_file": config.logzioTokenFile = try string(value, full)
            case "definition_field": definitionField = try string(value, full)
            case "cache_max_age": config.logzioCacheMaxAge = try span(value, full)
            case "evidence":
                config.logzioEvidence = try boolean(value, full, spelled: "on or off")
                config.evidenceLine = value.mark?.line
            case "evidence_field": config.evidenceField = try string(value, full)
            case "evidence_query": config.evidenceQuery = try string(value, full)
            case "account_field": config.accountField = try string(value, full)
            case "accounts": config.logzioAccounts = try accounts(value, full)
            case "token", "api_token":
                throw fail(
                    keyNode, full,
                    "tokens are never read from the config file; use logzio.token_file, LOGZIO_API_TOKEN_FILE or LOGZIO_API_TOKEN"
                )
            default:
                throw fail(
                    keyNode, full,
                    "unknown key; logzio has api_url, token_file, definition_field, cache_max_age, evidence, evidence_field, evidence_query, accounts, account_field"
                )
            }
        }
    }

    /// `logzio.accounts`: a list of `{id, token_file, api_url}`, each id once; `token_file` is required,
    /// `api_url` defaults to `logzio.api_url`.
    private func accounts(_ node: Node, _ key: String) throws(ConfigError) -> [LogzioAccountConfig] {
        guard case .sequence(let items) = node else {
            throw fail(node, key, "must be a list of {id, token_file, api_url}")
        }
        var accounts: [LogzioAccountConfig] = []
        for (index, item) in items.enumerated() {
            let prefix = "\(key)[\(index)]"
            var id: String?
            var tokenFile: String?
            var apiURL: String?
            for (field, fieldNode, value) in try mapping(item, prefix) {
                let full = "\(prefix).\(field)"
                switch field {
                case "id": id = try string(value, full)
                case "token_file": tokenFile = try string(value, full)
                case "api_url":
                    let url = try string(value, full)
                    try Self.checkURL(url, key: full, file: file, line: value.mark?.line)
                    apiURL = url
                case "token", "api_token":
                    throw fail(fieldNode, full, "tokens are never read from the config file; use token_file")
                default:
                    throw fail(fieldNode, full, "unknown key; an account has id, token_file and api_url")
                }
            }
            guard let id else { throw fail(item, "\(prefix).id", "is required: the Logz.io account id") }
            guard let tokenFile else {
                throw fail(item, "\(prefix).token_file", "is required: a file holding this account's API token")
            }
            if accounts.contains(where: { $0.id == id }) {
                throw fail(item, "\(prefix).id", "account \(id) is listed twice")
            }
            accounts.append(LogzioAccountConfig(id: id, tokenFile: tokenFile, apiURL: apiURL))
        }
        return accounts
    }
}
