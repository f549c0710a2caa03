"""Platform core: settings, storage, identities, sharing levels, audit and crypto."""
