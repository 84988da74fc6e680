"""Framework profiles: the inspection framework's content as data, one TOML file per framework."""
