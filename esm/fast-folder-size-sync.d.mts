import fn from '../dist/src/compat/fast-folder-size-sync.js'

export default fn
