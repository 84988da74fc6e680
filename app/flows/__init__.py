"""Work that spans domains: each flow calls the services of the domains it joins, in order (an inspection set up
with its survey links, a survey figure taken as evidence, the purge). Domains never import a flow."""
